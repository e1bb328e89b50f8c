import type { BucketStatus, Reconciliation, ResultTotals, Role } from '@cagnotte/shared';
import { sideOf } from './rules.ts';
import { roundTotals } from '../results/queries.ts';
import { reconciled } from '../results/rules.ts';
import type { Snapshot } from './snapshot.ts';

// Plain SQL: these run as server-side cursors on a dedicated client (DECLARE … CURSOR FOR).
// Each takes the round's id as $1. int8 columns come back as numbers (db/client.ts).

export type BucketRow = {
  id: string;
  title: string;
  status: BucketStatus;
  funded_cents: number;
  min_cents: number;
  max_cents: number;
  contributors: number;
  proposers: string | null;
  created_at: Date;
  funding_ended_at: Date | null;
};

/** Every bucket past its private draft, in the order they were created. */
export const BUCKETS_SQL = `
  SELECT b.id, b.title, b.status, b.funded_cents, b.min_cents, b.max_cents, b.contributors, b.created_at, b.funding_ended_at,
    (SELECT string_agg(NULLIF(m.name, ''), ', ' ORDER BY lower(m.name))
       FROM bucket_proposers bp
       JOIN memberships m ON m.id = bp.membership_id
       JOIN people pe ON pe.id = m.person_id
      WHERE bp.bucket_id = b.id AND bp.status = 'accepted') AS proposers
  FROM buckets b
  WHERE b.round_id = $1 AND b.status <> 'draft'
  ORDER BY b.created_at, b.id`;

export type MemberRow = {
  membership_id: string;
  member_number: string | null;
  name: string;
  email: string | null;
  role: Role;
  allowance_cents: number;
  allocated_cents: number;
  remaining_cents: number;
  returned_cents: number;
};

/**
 * Every participant of the round (a member who holds or held an allowance), by name. A
 * participant row with nothing on the ledger (an allowance set to 0 before any was granted)
 * holds nothing and never did: it is left out.
 */
export const MEMBERS_SQL = `
  SELECT m.id AS membership_id, m.member_number, m.name, CASE WHEN m.erased_at IS NULL THEN pe.email END AS email, m.role, p.allowance_cents, p.allocated_cents, p.remaining_cents, COALESCE(r.returned, 0)::bigint AS returned_cents
  FROM participants p
  JOIN memberships m ON m.id = p.membership_id
  JOIN people pe ON pe.id = m.person_id
  LEFT JOIN (
    SELECT participant_id, -SUM(delta_cents) AS returned FROM ledger
    WHERE round_id = $1 AND kind = 'return' GROUP BY participant_id
  ) r ON r.participant_id = p.id
  WHERE p.round_id = $1
    AND (p.allowance_cents <> 0 OR p.allocated_cents <> 0 OR EXISTS (SELECT 1 FROM ledger l WHERE l.participant_id = p.id))
  ORDER BY lower(m.name), p.id`;

export type LedgerRow = {
  id: number;
  created_at: Date;
  kind: 'grant' | 'allocate' | 'return';
  membership_id: string;
  member_number: string | null;
  member_name: string;
  bucket_id: string | null;
  bucket_title: string | null;
  delta_cents: number;
  entered_by_name: string | null;
  /** Only allocations are made by or for a member: null for grants and returns, which staff or the app make. */
  on_behalf: boolean | null;
  reason: string | null;
  idempotency_key: string | null;
};

/**
 * Every ledger row of the round, in its one total order. An allocation is on the member's
 * behalf when someone else entered it (a paper ballot entered by staff); grants and returns are
 * never the member's own act, so the question does not arise for them.
 */
export const LEDGER_SQL = `
  SELECT l.id, l.created_at, l.kind, p.membership_id, m.member_number, m.name AS member_name,
    l.bucket_id, b.title AS bucket_title, l.delta_cents, em.name AS entered_by_name,
    CASE WHEN l.kind = 'allocate' THEN l.entered_by IS NOT NULL AND l.entered_by <> p.membership_id END AS on_behalf,
    l.reason, l.idempotency_key
  FROM ledger l
  JOIN participants p ON p.id = l.participant_id
  JOIN memberships m ON m.id = p.membership_id
  JOIN people pe ON pe.id = m.person_id
  LEFT JOIN buckets b ON b.id = l.bucket_id
  LEFT JOIN memberships em ON em.id = l.entered_by
  LEFT JOIN people epe ON epe.id = em.person_id
  WHERE l.round_id = $1
  ORDER BY l.id`;

const sideOfTotals = (t: ResultTotals) =>
  sideOf({
    allowancesCents: t.allowancesCents,
    inFundedBucketsCents: t.inFundedBucketsCents,
    inPendingBucketsCents: t.pendingCents,
    unspentCents: t.unspentCents,
    inOtherBucketsCents: t.elsewhereCents,
  });

/** Invariant 6 in the snapshot, from the stored totals and from the ledger alone: the results' own computation. */
export async function reconciliationIn(snapshot: Snapshot, round: { id: string; currency: string }, asOf: Date): Promise<Reconciliation> {
  const totals = await roundTotals(snapshot.db, round.id);
  return {
    roundId: round.id,
    currency: round.currency,
    asOf: asOf.toISOString(),
    stored: sideOfTotals(totals.totals),
    ledger: sideOfTotals(totals.fromLedger),
    returnedCents: totals.returnedCents,
    ledgerRows: totals.ledgerRows,
    reconciled: reconciled(totals.totals, totals.fromLedger),
  };
}
