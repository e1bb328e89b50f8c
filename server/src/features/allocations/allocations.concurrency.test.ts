import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testApp, type TestContext } from '../../../test/harness.ts';
import { moneyViolations } from '../../../test/invariants.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());


/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s % n;
  };
}

describe('under concurrency', () => {
  it('fills a bucket exactly to its maximum, never past it, when more members race for it than it has room for', async () => {
    const { round, members, buckets: [bucket] } = await t.given.fundingRound({
      members: 60,
      lines: [{ label: 'Roof', amountCents: 500_000, essential: true }],
    });
    // 60 members each ask 10,000 twice at once (a double click): room for 50 of them.
    const replies = await Promise.all(members.flatMap((m) => [t.allocate(m, bucket!.id, 10_000), t.allocate(m, bucket!.id, 10_000)]));
    const outcomes = members.map((_, i) => [replies[2 * i]!, replies[2 * i + 1]!].map((r) => (r.status === 200 ? 'accepted' : `${r.status} ${r.body.code}`)));

    // A member's second click changes nothing: both of their requests get the same answer.
    expect(outcomes.filter((o) => o.join() === 'accepted,accepted')).toHaveLength(50);
    expect(outcomes.filter((o) => o.join() === '409 bucket_full,409 bucket_full')).toHaveLength(10);
    const [stored] = (await t.db.execute(sql`
      SELECT funded_cents, max_cents, contributors,
        (SELECT count(*) FROM ledger WHERE bucket_id = ${bucket!.id} AND kind = 'allocate')::int AS ledger_rows
      FROM buckets WHERE id = ${bucket!.id}`)).rows;
    expect(stored).toEqual({ funded_cents: 500_000, max_cents: 500_000, contributors: 50, ledger_rows: 50 });
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
  });

  it('never lets a member spend more than their allowance across buckets at once', async () => {
    const { round, members: [alice], buckets } = await t.given.fundingRound({ buckets: 6 });
    // 6 × 20,000 asked at once from an allowance of 43,000: two may succeed, never three.
    const replies = await Promise.all(buckets.map((b) => t.allocate(alice!, b.id, 20_000)));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(2);
    expect(replies.filter((r) => r.status === 409).every((r) => r.body.code === 'insufficient_allowance')).toBe(true);
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
  });

  it('keeps every total equal to its ledger after hundreds of random moves on many buckets', async () => {
    const { round, members, buckets } = await t.given.fundingRound({
      members: 40,
      buckets: 8,
      lines: [{ label: 'Core', amountCents: 60_000, essential: true }, { label: 'Extra', amountCents: 40_000, essential: false }],
    });
    const next = random(42);
    const waves = [0, 1, 2].map(() => members.map((m) => t.allocate(m, buckets[next(buckets.length)]!.id, next(5) === 0 ? 0 : 1_000 * (1 + next(25)))));
    const replies = (await Promise.all(waves.flat())).map((r) => r.status);
    expect(replies.filter((s) => s === 200).length).toBeGreaterThan(30);
    expect(replies.every((s) => s === 200 || s === 409)).toBe(true);

    expect(await moneyViolations(t.db, round.id)).toEqual([]);
    const [sums] = (await t.db.execute(sql`
      SELECT (SELECT SUM(delta_cents) FROM ledger WHERE round_id = ${round.id} AND kind = 'allocate')::bigint AS moved,
             (SELECT SUM(funded_cents) FROM buckets WHERE round_id = ${round.id})::bigint AS funded,
             (SELECT SUM(allocated_cents) FROM participants WHERE round_id = ${round.id})::bigint AS allocated`)).rows;
    expect(sums!.moved).toBe(sums!.funded);
    expect(sums!.allocated).toBe(sums!.funded);
  });
});
