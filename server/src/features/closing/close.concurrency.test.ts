import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { testApp, type TestContext } from '../../../test/harness.ts';
import { moneyViolations } from '../../../test/invariants.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());


describe('allocations racing the close', () => {
  it('counts every allocation that got a 200 and refuses the others with round_not_funding', async () => {
    const { round, admin, members, buckets } = await t.given.fundingRound({
      members: 50,
      buckets: 5,
      lines: [{ label: 'Core', amountCents: 5_000, essential: true }, { label: 'Extra', amountCents: 500_000, essential: false }],
    });
    const asked = members.map((m, i) => ({ member: m, bucketId: buckets[i % buckets.length]!.id, amountCents: 1_000 + i }));
    const calls = asked.map((a) => t.allocate(a.member, a.bucketId, a.amountCents));
    // The close goes out in the middle of the burst.
    const closing = request(t.app.server).post(`/api/rounds/${round.id}/close`).set(t.given.authFor(admin)).send();
    const settled = await Promise.all([...calls.slice(0, 25), closing, ...calls.slice(25)]);
    const closed = settled[25]!;
    const replies = [...settled.slice(0, 25), ...settled.slice(26)];

    expect(closed.status).toBe(200);
    for (const r of replies) {
      expect([200, 409]).toContain(r.status);
      if (r.status === 409) expect(r.body.code).toBe('round_not_funding');
    }
    const landed = new Map<string, number>();
    replies.forEach((r, i) => {
      if (r.status !== 200) return;
      const a = asked[i]!;
      landed.set(a.bucketId, (landed.get(a.bucketId) ?? 0) + a.amountCents);
    });
    for (const bucket of closed.body.buckets as { bucketId: string; fundedCents: number; returnedCents: number }[]) {
      // What landed is in the bucket, or was returned to its members when it missed its minimum.
      expect(bucket.fundedCents + bucket.returnedCents).toBe(landed.get(bucket.bucketId) ?? 0);
    }
    const [moved] = (await t.db.execute(sql`
      SELECT COALESCE(SUM(delta_cents), 0)::bigint AS cents, COUNT(*)::int AS rows FROM ledger WHERE round_id = ${round.id} AND kind = 'allocate'`)).rows;
    expect(moved).toEqual({ cents: [...landed.values()].reduce((s, v) => s + v, 0), rows: replies.filter((r) => r.status === 200).length });
    expect(closed.body.reconciled).toBe(true);
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
  });
});
