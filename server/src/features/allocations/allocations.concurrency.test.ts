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
  it('never overfills a bucket when many members race for its last euros', async () => {
    const { round, members, buckets: [bucket] } = await t.given.fundingRound({
      members: 60,
      lines: [{ label: 'Roof', amountCents: 500_000, essential: true }],
    });
    // 60 members × 4 requests of 3,000 each to one bucket: 720,000 asked for, 500,000 of room.
    const replies = await Promise.all(members.flatMap((m, i) => [1, 2, 3, 4].map((k) => t.allocate(m, bucket!.id, 3_000 * k + (i % 7)))));
    const statuses = new Set(replies.map((r) => r.status));
    expect([...statuses].every((s) => s === 200 || s === 409)).toBe(true);
    for (const r of replies.filter((r) => r.status === 409)) expect(['bucket_full', 'insufficient_allowance']).toContain(r.body.code);

    const [stored] = (await t.db.execute(sql`SELECT funded_cents FROM buckets WHERE id = ${bucket!.id}`)).rows;
    expect(stored!.funded_cents).toBeLessThanOrEqual(500_000);
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
