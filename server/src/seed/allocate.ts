import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';

export type SeedAllocation = { membershipId: string; bucketId: string; amountCents: number };

/**
 * Many members' allocations in one statement, each through cagnotte_allocate() — the same
 * function, checks and ledger rows as `PUT /api/buckets/:id/allocation`, entered by the member
 * themself — so a seeded round is one a member could have made. Throws on the first refusal.
 */
export async function allocateAll(tx: Executor, roundId: string, allocations: readonly SeedAllocation[]): Promise<void> {
  if (allocations.length === 0) return;
  const result = await tx.execute(sql`
    SELECT a.ord, cagnotte_allocate(NULL, NULL, NULL, 'seed', ${roundId}::uuid, a.bucket_id, a.membership_id, a.amount, a.membership_id) AS outcome
    FROM unnest(${sql.param(allocations.map((a) => a.bucketId))}::uuid[], ${sql.param(allocations.map((a) => a.membershipId))}::uuid[],
      ${sql.param(allocations.map((a) => a.amountCents))}::bigint[]) WITH ORDINALITY AS a(bucket_id, membership_id, amount, ord)
    ORDER BY a.ord`);
  const refused = (result.rows as { outcome: { outcome: string; code?: string } }[]).find((r) => r.outcome.outcome !== 'ok');
  if (refused) throw new Error(`a seeded allocation was refused: ${JSON.stringify(refused.outcome)}`);
}
