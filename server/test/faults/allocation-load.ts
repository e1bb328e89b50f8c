import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { moneyViolations } from '../invariants.ts';

export type Ack = { key: string; member: number; bucketId: string; amountCents: number };

/**
 * Members allocating as fast as they can, each one request at a time, every request with an
 * `Idempotency-Key`. A request without a reply (the app died, the database did) is sent again
 * with the same key until it gets one, so every request issued is acknowledged exactly once.
 * Member m's j-th request raises its allocation to bucket j mod B by exactly 100 cents.
 */
export function allocationLoad(options: { tag: string; tokens: string[]; bucketIds: string[] }) {
  const { tag, tokens, bucketIds } = options;
  const next = tokens.map(() => 0);
  const sent = new Set<string>();
  const acknowledged: Ack[] = [];
  const retried = new Set<string>();
  const unavailable: Array<{ startedAt: number; ms: number; contentType: string; code: string }> = [];
  const unexpected: string[] = [];

  const requestOf = (member: number) => {
    const j = next[member]!;
    return {
      key: `${tag}-m${member}-r${j}`,
      bucketId: bucketIds[j % bucketIds.length]!,
      amountCents: (Math.floor(j / bucketIds.length) + 1) * 100,
    };
  };

  async function worker(member: number, base: string, until: () => boolean, deadline: number, onNetworkError: 'stop' | 'retry') {
    while (Date.now() < deadline) {
      const { key, bucketId, amountCents } = requestOf(member);
      const pending = sent.has(key);
      if (!pending && until()) return;
      if (pending) retried.add(key);
      sent.add(key);
      const started = Date.now();
      let res: Response;
      try {
        res = await fetch(`${base}/api/buckets/${bucketId}/allocation`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${tokens[member]}`, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify({ amountCents }),
          signal: AbortSignal.timeout(15_000),
        });
      } catch (error) {
        if ((error as Error).name === 'TimeoutError') unexpected.push(`${key}: no reply within 15 s`);
        else if (onNetworkError === 'stop') return;
        else unexpected.push(`${key}: ${(error as Error).message}`);
        continue;
      }
      const text = await res.text();
      if (res.status === 200) {
        const body = JSON.parse(text) as { amountCents: number };
        if (body.amountCents !== amountCents) unexpected.push(`${key}: asked ${amountCents}, reply says ${body.amountCents}`);
        acknowledged.push({ key, member, bucketId, amountCents });
        next[member]! += 1;
      } else if (res.status === 503) {
        const code = (JSON.parse(text) as { code?: string }).code ?? '';
        unavailable.push({ startedAt: started, ms: Date.now() - started, contentType: res.headers.get('content-type') ?? '', code });
        await new Promise((resolve) => setTimeout(resolve, 25)); // pace the retries of a member
      } else {
        unexpected.push(`${key}: ${res.status} ${text}`);
        next[member]! += 1;
      }
    }
  }

  return {
    acknowledged,
    retried,
    unavailable,
    unexpected,
    /**
     * Every member sends (to `base`, or its own) until `until()` holds (finishing the request it has pending) or
     * `withinMs` pass. `stop`: a member whose request got no reply stops (its key stays pending).
     */
    run(base: string | ((member: number) => string), settings: { until: () => boolean; withinMs: number; onNetworkError: 'stop' | 'retry' }) {
      const deadline = Date.now() + settings.withinMs;
      const baseOf = typeof base === 'string' ? () => base : base;
      return Promise.all(tokens.map((_, member) => worker(member, baseOf(member), settings.until, deadline, settings.onNetworkError)));
    },
    /** Requests sent and still without a reply. */
    pending: () => tokens.filter((_, member) => sent.has(requestOf(member).key)).length,
  };
}

export type AllocationLoad = ReturnType<typeof allocationLoad>;

/**
 * What the ledger must show after the load: each acknowledged request once (a row of +100
 * carrying its key), no row for anything else, allocations at the last acknowledged amounts,
 * and the invariants of ARCHITECTURE.md to the cent.
 */
export async function ledgerProblems(db: Db, roundId: string, load: AllocationLoad): Promise<string[]> {
  const problems: string[] = [];
  const rows = (await db.execute(sql`
    SELECT idempotency_key AS key, COUNT(*)::int AS count, SUM(delta_cents)::bigint AS delta
    FROM ledger WHERE round_id = ${roundId} AND kind = 'allocate' GROUP BY idempotency_key`)).rows as Array<{ key: string | null; count: number; delta: number }>;
  const byKey = new Map(rows.map((row) => [row.key, row]));
  const acknowledged = new Set<string>();
  for (const ack of load.acknowledged) {
    if (acknowledged.has(ack.key)) problems.push(`${ack.key} acknowledged twice`);
    acknowledged.add(ack.key);
    const row = byKey.get(ack.key);
    if (!row) problems.push(`${ack.key} acknowledged but not in the ledger`);
    else if (row.count !== 1 || row.delta !== 100) problems.push(`${ack.key}: ${row.count} ledger rows moving ${row.delta} cents, not one of 100`);
  }
  for (const row of rows) {
    if (!acknowledged.has(row.key ?? '')) problems.push(`ledger rows for ${row.key ?? 'no key'} that no reply acknowledged`);
  }

  const last = new Map<string, number>();
  for (const ack of load.acknowledged) last.set(`${ack.member}/${ack.bucketId}`, ack.amountCents);
  const total = [...last.values()].reduce((sum, amount) => sum + amount, 0);
  const [stored] = (await db.execute(sql`
    SELECT COALESCE(SUM(a.amount_cents), 0)::bigint AS total FROM allocations a JOIN buckets b ON b.id = a.bucket_id WHERE b.round_id = ${roundId}`)).rows as Array<{ total: number }>;
  if (stored?.total !== total) problems.push(`allocations hold ${stored?.total} cents; the last acknowledged amounts sum to ${total}`);

  problems.push(...(await moneyViolations(db, roundId)));
  return problems;
}
