import type { Reconciliation } from '@cagnotte/shared';
import { reconciled, sideOf } from './rules.ts';
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
    (SELECT string_agg(NULLIF(pe.name, ''), ', ' ORDER BY lower(pe.name))
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
  SELECT pe.name, pe.email, m.role, p.allowance_cents, p.allocated_cents, COALESCE(r.returned, 0)::bigint AS returned_cents
  FROM participants p
  JOIN memberships m ON m.id = p.membership_id
  JOIN people pe ON pe.id = m.person_id
  LEFT JOIN (
    SELECT participant_id, -SUM(delta_cents) AS returned FROM ledger
    WHERE round_id = $1 AND kind = 'return' GROUP BY participant_id
  ) r ON r.participant_id = p.id
  WHERE p.round_id = $1
  ORDER BY lower(pe.name), p.id`;

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
  SELECT l.id, l.created_at, l.kind, pe.name AS member_name, b.title AS bucket_title, l.delta_cents,
    epe.name AS entered_by_name, (l.entered_by IS DISTINCT FROM p.membership_id) AS on_behalf,
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

type ReconciliationRow = {
  allowances: number;
  unspent: number;
  in_funded: number;
  in_pending: number;
  in_other: number;
  l_grants: number;
  l_in_funded: number;
  l_in_pending: number;
  l_in_other: number;
  l_moved: number;
  l_returned: number;
  l_rows: number;
};

const RECONCILIATION_SQL = `
  WITH stored_participants AS (
    SELECT COALESCE(SUM(allowance_cents), 0) AS allowances, COALESCE(SUM(allowance_cents - allocated_cents), 0) AS unspent
    FROM participants WHERE round_id = $1
  ), stored_buckets AS (
    SELECT COALESCE(SUM(funded_cents) FILTER (WHERE status IN ('funded', 'completed')), 0) AS in_funded,
      COALESCE(SUM(funded_cents) FILTER (WHERE status IN ('open', 'awaiting_board')), 0) AS in_pending,
      COALESCE(SUM(funded_cents) FILTER (WHERE status NOT IN ('funded', 'completed', 'open', 'awaiting_board')), 0) AS in_other
    FROM buckets WHERE round_id = $1
  ), moves AS (
    SELECT l.kind, b.status, SUM(l.delta_cents) AS total, COUNT(*) AS n
    FROM ledger l LEFT JOIN buckets b ON b.id = l.bucket_id
    WHERE l.round_id = $1
    GROUP BY l.kind, b.status
  ), from_ledger AS (
    SELECT COALESCE(SUM(total) FILTER (WHERE kind = 'grant'), 0) AS l_grants,
      COALESCE(SUM(total) FILTER (WHERE kind <> 'grant' AND status IN ('funded', 'completed')), 0) AS l_in_funded,
      COALESCE(SUM(total) FILTER (WHERE kind <> 'grant' AND status IN ('open', 'awaiting_board')), 0) AS l_in_pending,
      COALESCE(SUM(total) FILTER (WHERE kind <> 'grant' AND status NOT IN ('funded', 'completed', 'open', 'awaiting_board')), 0) AS l_in_other,
      COALESCE(SUM(total) FILTER (WHERE kind <> 'grant'), 0) AS l_moved,
      COALESCE(-SUM(total) FILTER (WHERE kind = 'return'), 0) AS l_returned,
      COALESCE(SUM(n), 0) AS l_rows
    FROM moves
  )
  SELECT sp.allowances::bigint, sp.unspent::bigint, sb.in_funded::bigint, sb.in_pending::bigint, sb.in_other::bigint,
    fl.l_grants::bigint, fl.l_in_funded::bigint, fl.l_in_pending::bigint, fl.l_in_other::bigint,
    fl.l_moved::bigint, fl.l_returned::bigint, fl.l_rows::bigint
  FROM stored_participants sp, stored_buckets sb, from_ledger fl`;

/** Invariant 6 in the snapshot, from the stored totals and from the ledger alone. */
export async function reconciliationIn(snapshot: Snapshot, round: { id: string; currency: string }, asOf: Date): Promise<Reconciliation> {
  const [row] = await snapshot.query<ReconciliationRow>(RECONCILIATION_SQL, [round.id]);
  if (!row) throw new Error('reconciliation query returned nothing');
  const stored = sideOf({
    allowancesCents: row.allowances,
    inFundedBucketsCents: row.in_funded,
    inPendingBucketsCents: row.in_pending,
    unspentCents: row.unspent,
    inOtherBucketsCents: row.in_other,
  });
  const ledger = sideOf({
    allowancesCents: row.l_grants,
    inFundedBucketsCents: row.l_in_funded,
    inPendingBucketsCents: row.l_in_pending,
    unspentCents: row.l_grants - row.l_moved,
    inOtherBucketsCents: row.l_in_other,
  });
  return {
    roundId: round.id,
    currency: round.currency,
    asOf: asOf.toISOString(),
    stored,
    ledger,
    returnedCents: row.l_returned,
    ledgerRows: row.l_rows,
    reconciled: reconciled(stored, ledger),
  };
}
