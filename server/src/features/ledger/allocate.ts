import type { BucketStatus, RoundKind } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';

export type ParticipantRow = { allowance_cents: number; allocated_cents: number; remaining_cents: number; version: number };
export type BucketRow = { id: string; status: BucketStatus; funded_cents: number; min_cents: number; max_cents: number; contributors: number; funding_version: number };

/** What cagnotte_allocate() returns (migrations/0002_allocate_function.sql, 0007_money_rules.sql). */
export type AllocateOutcome =
  | { outcome: 'ok'; changed: boolean; amountCents: number; balance: ParticipantRow; bucket: BucketRow; requestId: string }
  | { outcome: 'refused'; code: string; requestId: string; [detail: string]: unknown }
  | { outcome: 'key_reused' }
  | { outcome: 'in_progress' };

/** What cagnotte_allocate_as() returns (migrations/0009_allocate_as_member.sql). */
export type AllocateAsOutcome =
  | { access: 'no_session' | 'not_found' | 'not_admin' }
  | (AllocateOutcome & {
      access: 'ok';
      /** Whose allocation it is: the caller's, or the member an admin entered it for. */
      membershipId: string;
      round: { id: string; kind: RoundKind; nearlyFundedPercent: number };
    });

const ALLOCATE_AS = 'SELECT cagnotte_allocate_as($1, $2, $3, $4, $5, $6, $7, $8) AS outcome';

/**
 * Sets a member's allocation to a bucket to an absolute amount on behalf of the calling person:
 * the allocation write path of ARCHITECTURE.md in one round trip, a statement prepared once per
 * connection. cagnotte_allocate_as() checks the session (if `sessionId` is given), the caller's
 * active membership in the bucket's organisation and, for someone else's allocation, the admin
 * role; then cagnotte_allocate() claims the Idempotency-Key (if any), takes the round's shared
 * lock, runs the conditional updates in the order allocation → participant → bucket and writes
 * the `allocate` ledger row. A refusal is an outcome like a success, stored with the key and
 * replayed as it was.
 */
export async function allocateAs(
  db: Db,
  input: {
    personId: string;
    sessionId: string | null;
    now: Date;
    bucketId: string;
    memberId: string | null;
    amountCents: number;
    idempotencyKey: string | null;
    requestId: string;
  },
): Promise<AllocateAsOutcome> {
  const { rows } = await db.$client.query<{ outcome: AllocateAsOutcome }>({
    name: 'allocate_as',
    text: ALLOCATE_AS,
    values: [input.personId, input.sessionId, input.now, input.bucketId, input.memberId, input.amountCents, input.idempotencyKey, input.requestId],
  });
  if (!rows[0]) throw new Error('cagnotte_allocate_as returned nothing');
  return rows[0].outcome;
}
