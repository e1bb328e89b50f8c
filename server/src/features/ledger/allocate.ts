import { sql } from 'drizzle-orm';
import type { BucketStatus } from '@cagnotte/shared';
import type { Executor } from '../../db/client.ts';
import { rows } from './rows.ts';

export type ParticipantRow = { allowance_cents: number; allocated_cents: number; remaining_cents: number; version: number };
export type BucketRow = { id: string; status: BucketStatus; funded_cents: number; min_cents: number; max_cents: number; contributors: number; funding_version: number };

/** What cagnotte_allocate() returns (migrations/0002_allocate_function.sql, 0007_money_rules.sql). */
export type AllocateOutcome =
  | { outcome: 'ok'; changed: boolean; amountCents: number; balance: ParticipantRow; bucket: BucketRow; requestId: string }
  | { outcome: 'refused'; code: string; requestId: string; [detail: string]: unknown }
  | { outcome: 'key_reused' }
  | { outcome: 'in_progress' };

/**
 * Sets one member's allocation to a bucket to an absolute amount: the allocation write path of
 * ARCHITECTURE.md in one round trip. cagnotte_allocate() claims the Idempotency-Key (if any),
 * takes the round's shared lock, runs the conditional updates in the order allocation →
 * participant → bucket and writes the `allocate` ledger row; a refusal is an outcome like a
 * success, stored with the key and replayed as it was.
 */
export async function allocate(
  ex: Executor,
  input: {
    personId: string;
    idempotencyKey: string | null;
    requestHash: string;
    requestId: string;
    roundId: string;
    bucketId: string;
    membershipId: string;
    amountCents: number;
    enteredBy: string;
  },
): Promise<AllocateOutcome> {
  const [row] = await rows<{ outcome: AllocateOutcome }>(ex, sql`
    SELECT cagnotte_allocate(${input.personId}, ${input.idempotencyKey}, ${input.requestHash}, ${input.requestId},
      ${input.roundId}, ${input.bucketId}, ${input.membershipId}, ${input.amountCents}, ${input.enteredBy}) AS outcome`);
  if (!row) throw new Error('cagnotte_allocate returned nothing');
  return row.outcome;
}
