import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import type { ParticipantRow } from '../ledger/index.ts';

type Row = Record<string, unknown>;
async function first<T extends Row>(tx: Executor, query: ReturnType<typeof sql>): Promise<T | undefined> {
  return (await tx.execute(query)).rows[0] as T | undefined;
}

/** The member's participant row in the round, if they take part in it. */
export function participantOf(ex: Executor, roundId: string, membershipId: string): Promise<(ParticipantRow & { id: string }) | undefined> {
  return first<ParticipantRow & { id: string }>(ex, sql`
        SELECT id, allowance_cents, allocated_cents, remaining_cents, version FROM participants WHERE round_id = ${roundId} AND membership_id = ${membershipId}`);
}

/** A participant's non-zero allocations, oldest change first. */
export async function allocationsOf(ex: Executor, participantId: string): Promise<{ bucket_id: string; amount_cents: number }[]> {
  const allocations = await ex.execute(sql`
        SELECT bucket_id, amount_cents FROM allocations WHERE participant_id = ${participantId} AND amount_cents > 0 ORDER BY updated_at`);
  return allocations.rows as { bucket_id: string; amount_cents: number }[];
}
