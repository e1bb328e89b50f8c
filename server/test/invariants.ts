import { sql } from 'drizzle-orm';
import type { Db } from '../src/db/client.ts';

/**
 * Invariants 1–6 of ARCHITECTURE.md, computed from the ledger and from the stored totals.
 * Returns the violations found (empty when the round's money is right to the cent).
 */
export async function moneyViolations(db: Db, roundId: string): Promise<string[]> {
  const problems: string[] = [];
  const q = async <T>(query: ReturnType<typeof sql>) => (await db.execute(query)).rows as T[];

  for (const p of await q<{ id: string; allowance_cents: number; allocated_cents: number; grants: number; moves: number }>(sql`
    SELECT p.id, p.allowance_cents, p.allocated_cents,
      COALESCE(SUM(l.delta_cents) FILTER (WHERE l.kind = 'grant'), 0)::bigint AS grants,
      COALESCE(SUM(l.delta_cents) FILTER (WHERE l.kind <> 'grant'), 0)::bigint AS moves
    FROM participants p LEFT JOIN ledger l ON l.participant_id = p.id
    WHERE p.round_id = ${roundId} GROUP BY p.id`)) {
    if (p.allocated_cents < 0 || p.allocated_cents > p.allowance_cents) problems.push(`participant ${p.id}: allocated ${p.allocated_cents} outside 0..${p.allowance_cents}`);
    if (p.allowance_cents !== p.grants) problems.push(`participant ${p.id}: allowance ${p.allowance_cents} ≠ Σ grants ${p.grants}`);
    if (p.allocated_cents !== p.moves) problems.push(`participant ${p.id}: allocated ${p.allocated_cents} ≠ Σ allocate+return ${p.moves}`);
  }

  for (const b of await q<{ id: string; status: string; funded_cents: number; max_cents: number; contributors: number; ledger: number; allocated: number; holders: number }>(sql`
    SELECT b.id, b.status, b.funded_cents, b.max_cents, b.contributors,
      (SELECT COALESCE(SUM(delta_cents), 0) FROM ledger WHERE bucket_id = b.id)::bigint AS ledger,
      (SELECT COALESCE(SUM(amount_cents), 0) FROM allocations WHERE bucket_id = b.id)::bigint AS allocated,
      (SELECT COUNT(*) FROM allocations WHERE bucket_id = b.id AND amount_cents > 0)::int AS holders
    FROM buckets b WHERE b.round_id = ${roundId}`)) {
    if (b.funded_cents < 0 || b.funded_cents > b.max_cents) problems.push(`bucket ${b.id}: funded ${b.funded_cents} outside 0..${b.max_cents}`);
    if (b.funded_cents !== b.ledger) problems.push(`bucket ${b.id}: funded ${b.funded_cents} ≠ Σ ledger ${b.ledger}`);
    if (b.funded_cents !== b.allocated) problems.push(`bucket ${b.id}: funded ${b.funded_cents} ≠ Σ allocations ${b.allocated}`);
    if (b.contributors !== b.holders) problems.push(`bucket ${b.id}: contributors ${b.contributors} ≠ ${b.holders} allocations`);
    if (b.funded_cents !== 0 && !['open', 'funded', 'awaiting_board', 'completed'].includes(b.status)) problems.push(`bucket ${b.id}: ${b.status} holds ${b.funded_cents}`);
  }

  for (const a of await q<{ participant_id: string; bucket_id: string; amount_cents: number; ledger: number }>(sql`
    SELECT a.participant_id, a.bucket_id, a.amount_cents,
      (SELECT COALESCE(SUM(delta_cents), 0) FROM ledger l WHERE l.participant_id = a.participant_id AND l.bucket_id = a.bucket_id)::bigint AS ledger
    FROM allocations a JOIN participants p ON p.id = a.participant_id WHERE p.round_id = ${roundId}`)) {
    if (a.amount_cents !== a.ledger) problems.push(`allocation ${a.participant_id}/${a.bucket_id}: ${a.amount_cents} ≠ Σ its rows ${a.ledger}`);
  }

  const [totals] = await q<{ allowances: number; committed: number; pending: number; unspent: number }>(sql`
    SELECT
      (SELECT COALESCE(SUM(allowance_cents), 0) FROM participants WHERE round_id = ${roundId})::bigint AS allowances,
      (SELECT COALESCE(SUM(funded_cents), 0) FROM buckets WHERE round_id = ${roundId} AND status IN ('funded', 'completed'))::bigint AS committed,
      (SELECT COALESCE(SUM(funded_cents), 0) FROM buckets WHERE round_id = ${roundId} AND status IN ('open', 'awaiting_board'))::bigint AS pending,
      (SELECT COALESCE(SUM(allowance_cents - allocated_cents), 0) FROM participants WHERE round_id = ${roundId})::bigint AS unspent`);
  if (totals && totals.allowances !== totals.committed + totals.pending + totals.unspent) {
    problems.push(`reconciliation: allowances ${totals.allowances} ≠ funded ${totals.committed} + open/awaiting ${totals.pending} + unspent ${totals.unspent}`);
  }
  return problems;
}
