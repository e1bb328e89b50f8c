import type { Reconciliation, ResultTotals } from '@cagnotte/shared';
import { sideOf } from './rules.ts';
import { roundTotals } from '../results/queries.ts';
import { reconciled } from '../results/rules.ts';
import type { Snapshot } from './snapshot.ts';

// Plain SQL: these run as server-side cursors on a dedicated client (DECLARE … CURSOR FOR).
// Each takes the round's id as $1. int8 columns come back as numbers (db/client.ts).

export type BucketRow = {
  title: string;
  status: string;
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
  SELECT b.title, b.status, b.funded_cents, b.min_cents, b.max_cents, b.contributors, b.created_at, b.funding_ended_at,
    (SELECT string_agg(NULLIF(m.name, ''), ', ' ORDER BY lower(m.name))
       FROM bucket_proposers bp
       JOIN memberships m ON m.id = bp.membership_id
       JOIN people pe ON pe.id = m.person_id
      WHERE bp.bucket_id = b.id AND bp.status = 'accepted') AS proposers
  FROM buckets b
  WHERE b.round_id = $1 AND b.status <> 'draft'
  ORDER BY b.created_at, b.id`;

export type MemberRow = {
  name: string;
  email: string | null;
  role: string;
  allowance_cents: number;
  allocated_cents: number;
  returned_cents: number;
};

/** Every participant of the round (a member with an allowance), by name. */
export const MEMBERS_SQL = `
  SELECT m.name, CASE WHEN m.erased_at IS NULL THEN pe.email END AS email, m.role, p.allowance_cents, p.allocated_cents, COALESCE(r.returned, 0)::bigint AS returned_cents
  FROM participants p
  JOIN memberships m ON m.id = p.membership_id
  JOIN people pe ON pe.id = m.person_id
  LEFT JOIN (
    SELECT participant_id, -SUM(delta_cents) AS returned FROM ledger
    WHERE round_id = $1 AND kind = 'return' GROUP BY participant_id
  ) r ON r.participant_id = p.id
  WHERE p.round_id = $1
  ORDER BY lower(m.name), p.id`;

export type LedgerRow = {
  id: number;
  created_at: Date;
  kind: 'grant' | 'allocate' | 'return';
  member_name: string;
  bucket_title: string | null;
  delta_cents: number;
  entered_by_name: string | null;
  on_behalf: boolean;
  reason: string | null;
  idempotency_key: string | null;
};

/** Every ledger row of the round, in its one total order. */
export const LEDGER_SQL = `
  SELECT l.id, l.created_at, l.kind, m.name AS member_name, b.title AS bucket_title, l.delta_cents,
    em.name AS entered_by_name, (l.entered_by IS DISTINCT FROM p.membership_id) AS on_behalf,
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
