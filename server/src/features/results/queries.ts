import { and, asc, eq, sql } from 'drizzle-orm';
import { FUNDED_STATUSES, IN_THE_RUNNING_STATUSES, PENDING_STATUSES, type BucketStatus, type ResultTotals } from '@cagnotte/shared';
import type { Executor } from '../../db/client.ts';
import { ledger } from '../../db/schema.ts';

async function rows<T>(ex: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  return (await ex.execute(query)).rows as T[];
}

export type BucketResultRow = {
  id: string;
  title: string;
  status: BucketStatus;
  funded_cents: number;
  min_cents: number;
  max_cents: number;
  contributors: number;
  returned_cents: number;
};

/**
 * The projects of the results: every one that could be funded or was settled, and any other
 * that ever held money (withdrawn or rejected during funding, its money returned).
 */
export function bucketResults(ex: Executor, roundId: string): Promise<BucketResultRow[]> {
  return rows(ex, sql`
    WITH moved AS (
      SELECT bucket_id, (-COALESCE(SUM(delta_cents) FILTER (WHERE kind = 'return'), 0))::bigint AS returned_cents
      FROM ledger WHERE round_id = ${roundId} AND bucket_id IS NOT NULL GROUP BY bucket_id
    )
    SELECT b.id, b.title, b.status, b.funded_cents, b.min_cents, b.max_cents, b.contributors,
      COALESCE(m.returned_cents, 0)::bigint AS returned_cents
    FROM buckets b LEFT JOIN moved m ON m.bucket_id = b.id
    WHERE b.round_id = ${roundId}
      AND (b.status IN ${statusList(IN_THE_RUNNING_STATUSES)} OR m.bucket_id IS NOT NULL)
    ORDER BY CASE b.status WHEN 'completed' THEN 0 WHEN 'funded' THEN 1 WHEN 'awaiting_board' THEN 2 WHEN 'open' THEN 3 ELSE 4 END,
      b.funded_cents DESC, b.title, b.id`);
}

/** Names of the members whose money is in each project now, by project. */
export async function contributorNames(ex: Executor, roundId: string): Promise<Map<string, string[]>> {
  const found = await rows<{ bucket_id: string; name: string }>(ex, sql`
    SELECT a.bucket_id, m.name
    FROM allocations a
    JOIN participants p ON p.id = a.participant_id
    JOIN memberships m ON m.id = p.membership_id
    JOIN people pe ON pe.id = m.person_id
    WHERE p.round_id = ${roundId} AND a.amount_cents > 0
    ORDER BY m.name, a.participant_id`);
  const byBucket = new Map<string, string[]>();
  for (const row of found) byBucket.set(row.bucket_id, [...(byBucket.get(row.bucket_id) ?? []), row.name]);
  return byBucket;
}

const statusList = (group: readonly string[]) => sql`(${sql.join(group.map((status) => sql`${status}`), sql`, `)})`;
const COMMITTED = statusList(FUNDED_STATUSES);
const PENDING = statusList(PENDING_STATUSES);

/** Both sides of invariant 6, the stored totals and the ledger's, plus Σ returned and the participants. */
export async function roundTotals(ex: Executor, roundId: string): Promise<{ totals: ResultTotals; fromLedger: ResultTotals; returnedCents: number; participants: number; ledgerRows: number }> {
  const [row] = await rows<Record<string, number>>(ex, sql`
    WITH people AS (
      SELECT COUNT(*)::int AS participants,
        COALESCE(SUM(allowance_cents), 0)::bigint AS allowances,
        COALESCE(SUM(remaining_cents), 0)::bigint AS unspent
      FROM participants WHERE round_id = ${roundId}
    ), stored AS (
      SELECT
        COALESCE(SUM(funded_cents) FILTER (WHERE status IN ${COMMITTED}), 0)::bigint AS funded,
        COALESCE(SUM(funded_cents) FILTER (WHERE status IN ${PENDING}), 0)::bigint AS pending,
        COALESCE(SUM(funded_cents) FILTER (WHERE status NOT IN ${COMMITTED} AND status NOT IN ${PENDING}), 0)::bigint AS elsewhere
      FROM buckets WHERE round_id = ${roundId}
    ), book AS (
      SELECT
        COALESCE(SUM(l.delta_cents) FILTER (WHERE l.kind = 'grant'), 0)::bigint AS allowances,
        COALESCE(SUM(l.delta_cents) FILTER (WHERE l.kind <> 'grant' AND b.status IN ${COMMITTED}), 0)::bigint AS funded,
        COALESCE(SUM(l.delta_cents) FILTER (WHERE l.kind <> 'grant' AND b.status IN ${PENDING}), 0)::bigint AS pending,
        COALESCE(SUM(l.delta_cents) FILTER (WHERE l.kind <> 'grant' AND b.status NOT IN ${COMMITTED} AND b.status NOT IN ${PENDING}), 0)::bigint AS elsewhere,
        (COALESCE(SUM(l.delta_cents) FILTER (WHERE l.kind = 'grant'), 0) - COALESCE(SUM(l.delta_cents) FILTER (WHERE l.kind <> 'grant'), 0))::bigint AS unspent,
        (-COALESCE(SUM(l.delta_cents) FILTER (WHERE l.kind = 'return'), 0))::bigint AS returned,
        COUNT(*)::bigint AS ledger_rows
      FROM ledger l LEFT JOIN buckets b ON b.id = l.bucket_id
      WHERE l.round_id = ${roundId}
    )
    SELECT people.participants, people.allowances AS s_allowances, people.unspent AS s_unspent,
      stored.funded AS s_funded, stored.pending AS s_pending, stored.elsewhere AS s_elsewhere,
      book.allowances AS l_allowances, book.funded AS l_funded, book.pending AS l_pending,
      book.elsewhere AS l_elsewhere, book.unspent AS l_unspent, book.returned, book.ledger_rows
    FROM people, stored, book`);
  const n = (key: string) => row?.[key] ?? 0;
  return {
    participants: n('participants'),
    returnedCents: n('returned'),
    ledgerRows: n('ledger_rows'),
    totals: { allowancesCents: n('s_allowances'), inFundedBucketsCents: n('s_funded'), pendingCents: n('s_pending'), unspentCents: n('s_unspent'), elsewhereCents: n('s_elsewhere') },
    fromLedger: { allowancesCents: n('l_allowances'), inFundedBucketsCents: n('l_funded'), pendingCents: n('l_pending'), unspentCents: n('l_unspent'), elsewhereCents: n('l_elsewhere') },
  };
}

export type ReceiptRow = { bucket_id: string; title: string; status: BucketStatus; given_cents: number; returned_cents: number; in_bucket_cents: number };

/** One member's money, project by project, from their own ledger rows. */
export function receiptLines(ex: Executor, participantId: string): Promise<ReceiptRow[]> {
  return rows(ex, sql`
    SELECT b.id AS bucket_id, b.title, b.status,
      COALESCE(SUM(l.delta_cents) FILTER (WHERE l.kind = 'allocate'), 0)::bigint AS given_cents,
      (-COALESCE(SUM(l.delta_cents) FILTER (WHERE l.kind = 'return'), 0))::bigint AS returned_cents,
      COALESCE(SUM(l.delta_cents), 0)::bigint AS in_bucket_cents
    FROM ledger l JOIN buckets b ON b.id = l.bucket_id
    WHERE l.participant_id = ${participantId}
    GROUP BY b.id
    HAVING COALESCE(SUM(l.delta_cents) FILTER (WHERE l.kind = 'allocate'), 0) <> 0
      OR COALESCE(SUM(l.delta_cents) FILTER (WHERE l.kind = 'return'), 0) <> 0
    ORDER BY MIN(l.id)`);
}

export function receiptGrants(ex: Executor, participantId: string) {
  return ex
    .select({ amountCents: ledger.deltaCents, reason: ledger.reason, at: ledger.createdAt })
    .from(ledger)
    .where(and(eq(ledger.participantId, participantId), eq(ledger.kind, 'grant')))
    .orderBy(asc(ledger.id));
}
