import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testApp, type TestContext } from '../../../test/harness.ts';
import { moneyViolations } from '../../../test/invariants.ts';
import { allocateMany } from './moves.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const totals = async (roundId: string) =>
  (await t.db.execute(sql`
    SELECT (SELECT sum(allocated_cents) FROM participants WHERE round_id = ${roundId})::bigint AS allocated,
      (SELECT sum(funded_cents) FROM buckets WHERE round_id = ${roundId})::bigint AS funded,
      (SELECT count(*) FROM ledger WHERE round_id = ${roundId} AND kind = 'allocate')::int AS rows`)).rows[0];

describe('allocating for many members at once', () => {
  it('writes each allocation with its ledger row and totals that reconcile', async () => {
    const { round, members: [alice, bob], buckets: [a, b] } = await t.given.fundingRound({ members: 2, buckets: 2 });
    await t.db.transaction((tx) => allocateMany(tx, { roundId: round.id, allocations: [
      { membershipId: alice!.membershipId, bucketId: a!.id, amountCents: 10_000 },
      { membershipId: alice!.membershipId, bucketId: b!.id, amountCents: 5_000 },
      { membershipId: bob!.membershipId, bucketId: a!.id, amountCents: 20_000 },
    ] }));
    expect(await totals(round.id)).toEqual({ allocated: 35_000, funded: 35_000, rows: 3 });
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
    const [bucket] = (await t.db.execute(sql`SELECT funded_cents, contributors FROM buckets WHERE id = ${a!.id}`)).rows;
    expect(bucket).toEqual({ funded_cents: 30_000, contributors: 2 });
  });

  it('writes nothing when one member would spend more than their allowance', async () => {
    const { round, members: [alice], buckets: [a, b] } = await t.given.fundingRound({ members: 1, buckets: 2 });
    const attempt = t.db.transaction((tx) => allocateMany(tx, { roundId: round.id, allocations: [
      { membershipId: alice!.membershipId, bucketId: a!.id, amountCents: 40_000 },
      { membershipId: alice!.membershipId, bucketId: b!.id, amountCents: 5_000 },
    ] }));
    await expect(attempt).rejects.toThrow();
    expect(await totals(round.id)).toEqual({ allocated: 0, funded: 0, rows: 0 });
  });

  it('refuses the whole batch when a bucket is not open or the round is not funding', async () => {
    const { round, admin, members: [alice], buckets: [a] } = await t.given.fundingRound({ members: 1 });
    const proposed = await t.given.bucket(round.id, admin, { status: 'proposed' });
    const attempt = t.db.transaction((tx) => allocateMany(tx, { roundId: round.id, allocations: [
      { membershipId: alice!.membershipId, bucketId: a!.id, amountCents: 1_000 },
      { membershipId: alice!.membershipId, bucketId: proposed.id, amountCents: 1_000 },
    ] }));
    await expect(attempt).rejects.toMatchObject({ code: 'allocations_refused' });
    expect(await totals(round.id)).toEqual({ allocated: 0, funded: 0, rows: 0 });
  });
});
