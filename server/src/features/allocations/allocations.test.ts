import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { AllocationRefusal } from '@cagnotte/shared';
import { testApp, type TestContext } from '../../../test/harness.ts';
import { moneyViolations } from '../../../test/invariants.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());


const ledgerRows = async (roundId: string, kind = 'allocate') =>
  (await t.db.execute(sql`SELECT * FROM ledger WHERE round_id = ${roundId} AND kind = ${kind} ORDER BY id`)).rows;

describe('allocating', () => {
  it('puts money into an open bucket and replies with its funding state and my balance', async () => {
    const { round, members: [alice], buckets: [bucket] } = await t.given.fundingRound();
    const res = await t.allocate(alice!, bucket!.id, 25_000);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      bucketId: bucket!.id,
      amountCents: 25_000,
      bucket: { fundedCents: 25_000, minCents: 100_000, maxCents: 150_000, contributors: 1, state: 'below_minimum', fundingVersion: 1, status: 'open' },
      balance: { allowanceCents: 43_000, allocatedCents: 25_000, remainingCents: 18_000 },
    });
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
  });

  it('gives the project page the same funding version as the allocation reply, so a page can tell which is newer', async () => {
    const { members: [alice, bob], buckets: [bucket] } = await t.given.fundingRound();
    await t.allocate(alice!, bucket!.id, 10_000).expect(200);
    const latest = await t.allocate(bob!, bucket!.id, 5_000);
    const page = await request(t.app.server).get(`/api/buckets/${bucket!.id}`).set(t.given.authFor(alice!));
    expect(page.body).toMatchObject({ fundedCents: 15_000, fundingVersion: latest.body.bucket.fundingVersion });
    expect(page.body.fundingVersion).toBe(2);
  });

  it('sets an absolute amount, so a second call replaces the first and a retry changes nothing', async () => {
    const { round, members: [alice], buckets: [bucket] } = await t.given.fundingRound();
    await t.allocate(alice!, bucket!.id, 10_000).expect(200);
    await t.allocate(alice!, bucket!.id, 4_000).expect(200);
    const again = await t.allocate(alice!, bucket!.id, 4_000);
    expect(again.body.bucket.fundedCents).toBe(4_000);
    expect((await ledgerRows(round.id)).map((r) => r.delta_cents)).toEqual([10_000, -6_000]);
  });

  it('withdraws with 0, and the bucket loses a contributor', async () => {
    const { members: [alice], buckets: [bucket] } = await t.given.fundingRound();
    await t.allocate(alice!, bucket!.id, 10_000).expect(200);
    const res = await t.allocate(alice!, bucket!.id, 0);
    expect(res.body.bucket).toMatchObject({ fundedCents: 0, contributors: 0 });
    expect(res.body.balance.remainingCents).toBe(43_000);
  });

  it('refuses more than my remaining allowance and says how much remains', async () => {
    const { buckets, members: [alice] } = await t.given.fundingRound({ buckets: 2 });
    await t.allocate(alice!, buckets[0]!.id, 40_000).expect(200);
    const res = await t.allocate(alice!, buckets[1]!.id, 5_000);
    expect(res.status).toBe(409);
    expect(AllocationRefusal.parse(res.body)).toMatchObject({ code: 'insufficient_allowance', remainingCents: 3_000, maxAmountCents: 3_000 });
  });

  it('refuses to fill a bucket past its maximum and says how much room is left', async () => {
    const { members, buckets: [bucket] } = await t.given.fundingRound({ lines: [{ label: 'Seeds', amountCents: 50_000, essential: true }] });
    await t.allocate(members[0]!, bucket!.id, 40_000).expect(200);
    const res = await t.allocate(members[1]!, bucket!.id, 20_000);
    expect(res.status).toBe(409);
    expect(AllocationRefusal.parse(res.body)).toMatchObject({ code: 'bucket_full', roomLeftCents: 10_000 });
  });

  it('applies the round’s cap on what one member puts into one bucket', async () => {
    const { members: [alice], buckets: [bucket] } = await t.given.fundingRound({ round: { perBucketCapCents: 10_000 } });
    const res = await t.allocate(alice!, bucket!.id, 10_001);
    expect(res.status).toBe(409);
    expect(AllocationRefusal.parse(res.body)).toMatchObject({ code: 'over_bucket_cap', capCents: 10_000 });
  });

  it('is refused outside the funding phase', async () => {
    const { round, members: [alice], buckets: [bucket] } = await t.given.fundingRound();
    await t.db.execute(sql`UPDATE rounds SET phase = 'closed' WHERE id = ${round.id}`);
    const res = await t.allocate(alice!, bucket!.id, 1_000);
    expect(res.status).toBe(409);
    expect(AllocationRefusal.parse(res.body).code).toBe('round_not_funding');
  });

  it('is refused for a bucket that is not open', async () => {
    const { round, admin, members: [alice] } = await t.given.fundingRound();
    const proposed = await t.given.bucket(round.id, admin, { status: 'proposed' });
    const res = await t.allocate(alice!, proposed.id, 1_000);
    expect(res.status).toBe(409);
    expect(AllocationRefusal.parse(res.body).code).toBe('bucket_not_open');
  });

  it('is refused to a member without an allowance in the round', async () => {
    const { admin, buckets: [bucket] } = await t.given.fundingRound();
    const latecomer = await t.given.member({ organisationId: admin.organisationId });
    const res = await t.allocate(latecomer, bucket!.id, 1_000);
    expect(res.status).toBe(409);
    expect(AllocationRefusal.parse(res.body).code).toBe('no_allowance');
  });

  it('leaves a negative or fractional amount as a 400 naming the field', async () => {
    const { members: [alice], buckets: [bucket] } = await t.given.fundingRound();
    for (const amountCents of [-1, 10.5]) {
      const res = await t.allocate(alice!, bucket!.id, amountCents);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].path).toBe('body.amountCents');
    }
  });

  it('hides another organisation’s bucket as a 404 and needs a session', async () => {
    const { buckets: [bucket] } = await t.given.fundingRound();
    const stranger = await t.given.member();
    expect((await t.allocate(stranger, bucket!.id, 1_000)).status).toBe(404);
    expect((await request(t.app.server).put(`/api/buckets/${bucket!.id}/allocation`).send({ amountCents: 1 })).status).toBe(401);
  });
});

describe('permanent rounds', () => {
  it('lets an allocation to a bucket that reached its minimum grow but not shrink', async () => {
    const { members, buckets: [bucket] } = await t.given.fundingRound({
      round: { kind: 'permanent', defaultAllowanceCents: 100_000 },
      lines: [{ label: 'Bench', amountCents: 50_000, essential: true }, { label: 'Paint', amountCents: 50_000, essential: false }],
    });
    await t.allocate(members[0]!, bucket!.id, 30_000).expect(200);
    await t.allocate(members[0]!, bucket!.id, 20_000).expect(200); // still below the minimum: may shrink
    await t.allocate(members[1]!, bucket!.id, 30_000).expect(200); // 50,000: minimum reached
    const shrink = await t.allocate(members[0]!, bucket!.id, 10_000);
    expect(shrink.status).toBe(409);
    expect(AllocationRefusal.parse(shrink.body)).toMatchObject({ code: 'allocation_committed', minimumAmountCents: 20_000 });
    await t.allocate(members[0]!, bucket!.id, 25_000).expect(200);
  });
});

describe('staff entering paper votes', () => {
  it('lets an admin set a member’s allocation, and the ledger says who entered it', async () => {
    const { round, admin, members: [alice], buckets: [bucket] } = await t.given.fundingRound();
    const res = await request(t.app.server).put(`/api/buckets/${bucket!.id}/allocation`).set(t.given.authFor(admin)).send({ amountCents: 7_000, memberId: alice!.membershipId });
    expect(res.status).toBe(200);
    const [row] = await ledgerRows(round.id);
    expect(row).toMatchObject({ entered_by: admin.membershipId, delta_cents: 7_000 });
    const me = await request(t.app.server).get(`/api/rounds/${round.id}/me`).set(t.given.authFor(alice!));
    expect(me.body).toMatchObject({ allocatedCents: 7_000, allocations: [{ bucketId: bucket!.id, amountCents: 7_000 }] });
  });

  it('refuses a member entering for someone else', async () => {
    const { members: [alice, bob], buckets: [bucket] } = await t.given.fundingRound();
    const res = await request(t.app.server).put(`/api/buckets/${bucket!.id}/allocation`).set(t.given.authFor(alice!)).send({ amountCents: 1_000, memberId: bob!.membershipId });
    expect(res.status).toBe(403);
  });
});

describe('Idempotency-Key', () => {
  it('returns the first reply to a retry and moves the money once', async () => {
    const { round, members: [alice], buckets: [bucket] } = await t.given.fundingRound();
    const first = await t.allocate(alice!, bucket!.id, 5_000, { headers: { 'idempotency-key': 'k-1' } });
    await t.allocate(alice!, bucket!.id, 0).expect(200); // something else happens meanwhile
    const retry = await t.allocate(alice!, bucket!.id, 5_000, { headers: { 'idempotency-key': 'k-1' } });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(await ledgerRows(round.id)).toHaveLength(2);
  });

  it('refuses the same key with a different body with a 422', async () => {
    const { members: [alice], buckets: [bucket] } = await t.given.fundingRound();
    await t.allocate(alice!, bucket!.id, 5_000, { headers: { 'idempotency-key': 'k-2' } }).expect(200);
    const res = await t.allocate(alice!, bucket!.id, 6_000, { headers: { 'idempotency-key': 'k-2' } });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('idempotency_key_reused');
  });

  it('replays a refusal as the same refusal', async () => {
    const { members: [alice], buckets: [bucket] } = await t.given.fundingRound();
    const first = await t.allocate(alice!, bucket!.id, 50_000, { headers: { 'idempotency-key': 'k-3' } });
    expect(first.status).toBe(409);
    const retry = await t.allocate(alice!, bucket!.id, 50_000, { headers: { 'idempotency-key': 'k-3' } });
    expect(retry.status).toBe(409);
    expect(retry.body).toEqual(first.body);
  });

  it('applies concurrent duplicates once', async () => {
    const { round, members: [alice], buckets: [bucket] } = await t.given.fundingRound();
    const replies = await Promise.all(Array.from({ length: 10 }, () => t.allocate(alice!, bucket!.id, 3_000, { headers: { 'idempotency-key': 'k-4' } })));
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(await ledgerRows(round.id)).toHaveLength(1);
  });

  it('scopes keys to the caller', async () => {
    const { members: [alice, bob], buckets: [bucket] } = await t.given.fundingRound();
    await t.allocate(alice!, bucket!.id, 1_000, { headers: { 'idempotency-key': 'shared' } }).expect(200);
    const res = await t.allocate(bob!, bucket!.id, 2_000, { headers: { 'idempotency-key': 'shared' } });
    expect(res.status).toBe(200);
    expect(res.body.amountCents).toBe(2_000);
  });
});

describe('the ledger', () => {
  it('refuses UPDATE and DELETE', async () => {
    const { round, members: [alice], buckets: [bucket] } = await t.given.fundingRound();
    await t.allocate(alice!, bucket!.id, 1_000).expect(200);
    const refusal = { cause: expect.objectContaining({ message: expect.stringMatching(/append-only/) }) };
    await expect(t.db.execute(sql`UPDATE ledger SET delta_cents = 2 WHERE round_id = ${round.id}`)).rejects.toMatchObject(refusal);
    await expect(t.db.execute(sql`DELETE FROM ledger WHERE round_id = ${round.id}`)).rejects.toMatchObject(refusal);
  });
});

describe('a permanent round’s full bucket', () => {
  it('is funded as soon as an allocation fills it', async () => {
    const { members: [alice], buckets: [bucket] } = await t.given.fundingRound({
      round: { kind: 'permanent' },
      lines: [{ label: 'Bench', amountCents: 20_000, essential: true }],
    });
    const res = await t.allocate(alice!, bucket!.id, 20_000);
    expect(res.body.bucket.state).toBe('full');
    const [row] = (await t.db.execute(sql`SELECT status FROM buckets WHERE id = ${bucket!.id}`)).rows;
    expect(row!.status).toBe('funded');
  });
});
