import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { testApp, type TestContext } from '../../../test/harness.ts';
import { moneyViolations } from '../../../test/invariants.ts';
import type { Member } from '../../../test/given.ts';
import { bucketProposers } from '../../db/schema.ts';
import { fundFullPermanentBuckets } from './permanent.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const endFunding = (as: Member, bucketId: string, body: Record<string, unknown> = {}) =>
  request(t.app.server).post(`/api/buckets/${bucketId}/end-funding`).set(t.given.authFor(as)).send(body);

const q = async (query: ReturnType<typeof sql>) => (await t.db.execute(query)).rows as Record<string, unknown>[];
const statusOf = async (bucketId: string) => (await q(sql`SELECT status FROM buckets WHERE id = ${bucketId}`))[0]?.status;

const LINES = [
  { label: 'Bench', amountCents: 50_000, essential: true },
  { label: 'Paint', amountCents: 30_000, essential: false },
];

/** A permanent fund (100,000 a member) with a project (min 50,000, max 80,000) carried by Paula. */
async function permanentRound() {
  const given = await t.given.fundingRound({ round: { kind: 'permanent', defaultAllowanceCents: 100_000 }, buckets: 0 });
  const paula = await t.given.member({ organisationId: given.admin.organisationId });
  const bucket = await t.given.bucket(given.round.id, paula, { status: 'open', lines: LINES });
  const [alice, bob] = given.members as [Member, Member];
  return { ...given, paula, alice, bob, bucket };
}

describe('POST /api/buckets/:bucketId/end-funding', () => {
  it('lets a proposer end the funding of a project that reached its minimum', async () => {
    const { round, paula, alice, bob, bucket } = await permanentRound();
    await t.allocate(alice, bucket.id, 30_000).expect(200);
    await t.allocate(bob, bucket.id, 25_000).expect(200);
    const res = await endFunding(paula, bucket.id, { reason: 'We can start' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ bucketId: bucket.id, status: 'funded', fundedCents: 55_000, returnedCents: 0 });
    expect(new Date(res.body.fundingEndedAt).getTime()).toBe(t.clock.now().getTime());
    const [decision] = await q(sql`SELECT actor_id, reason, data FROM decisions WHERE bucket_id = ${bucket.id} AND kind = 'funding_ended'`);
    expect(decision).toEqual({ actor_id: paula.membershipId, reason: 'We can start', data: { fundedCents: 55_000, minCents: 50_000, maxCents: 80_000 } });
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
  });

  it('takes no more money once the funding ended', async () => {
    const { paula, alice, bob, bucket } = await permanentRound();
    await t.allocate(alice, bucket.id, 50_000).expect(200);
    await endFunding(paula, bucket.id).expect(200);
    const res = await t.allocate(bob, bucket.id, 1_000);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('bucket_not_open');
  });

  it('lets an admin end the funding of a project they do not carry', async () => {
    const { admin, alice, bucket } = await permanentRound();
    await t.allocate(alice, bucket.id, 50_000).expect(200);
    expect((await endFunding(admin, bucket.id)).status).toBe(200);
  });

  it('refuses a project below its minimum and says how much it misses', async () => {
    const { paula, alice, bucket } = await permanentRound();
    await t.allocate(alice, bucket.id, 49_000).expect(200);
    const res = await endFunding(paula, bucket.id);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'minimum_not_reached', missingToMinimumCents: 1_000 });
    expect(await statusOf(bucket.id)).toBe('open');
  });

  it('refuses a project whose funding already ended', async () => {
    const { paula, alice, bucket } = await permanentRound();
    await t.allocate(alice, bucket.id, 50_000).expect(200);
    await endFunding(paula, bucket.id).expect(200);
    const again = await endFunding(paula, bucket.id);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'bucket_not_open', bucketStatus: 'funded' });
  });

  it('refuses a project of a one-off round: the round closes instead', async () => {
    const { admin, members: [alice], buckets: [bucket] } = await t.given.fundingRound({ lines: LINES });
    await t.allocate(alice!, bucket!.id, 43_000).expect(200);
    const res = await endFunding(admin, bucket!.id);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('not_permanent_round');
  });

  it('refuses a member who does not carry the project, and an invited co-proposer who has not accepted', async () => {
    const { alice, bob, bucket } = await permanentRound();
    await t.allocate(alice, bucket.id, 50_000).expect(200);
    await t.db.insert(bucketProposers).values({ bucketId: bucket.id, membershipId: bob.membershipId, status: 'invited' });
    expect((await endFunding(alice, bucket.id)).status).toBe(403);
    expect((await endFunding(bob, bucket.id)).status).toBe(403);
    expect(await statusOf(bucket.id)).toBe('open');
  });

  it('hides another organisation’s project as a 404 and needs a session', async () => {
    const { bucket } = await permanentRound();
    const stranger = await t.given.admin();
    expect((await endFunding(stranger, bucket.id)).status).toBe(404);
    expect((await request(t.app.server).post(`/api/buckets/${bucket.id}/end-funding`).send({})).status).toBe(401);
  });

  it('names the field of a blank reason', async () => {
    const { paula, bucket } = await permanentRound();
    const res = await endFunding(paula, bucket.id, { reason: '' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.reason');
  });
});

describe('a full project of a permanent round', () => {
  it('is funded by the permanent-full job, with no actor', async () => {
    const { round, alice, bob, bucket } = await permanentRound();
    await t.allocate(alice, bucket.id, 50_000).expect(200);
    await t.allocate(bob, bucket.id, 30_000).expect(200);
    await t.app.jobs.runDue();
    expect(await statusOf(bucket.id)).toBe('funded');
    const [decision] = await q(sql`SELECT actor_id, data FROM decisions WHERE bucket_id = ${bucket.id} AND kind = 'funding_ended'`);
    expect(decision).toEqual({ actor_id: null, data: { reason: 'full', fundedCents: 80_000 } });
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
  });

  it('stays open while it is not full, even past its minimum', async () => {
    const { alice, bucket } = await permanentRound();
    await t.allocate(alice, bucket.id, 79_999).expect(200);
    await t.app.jobs.runDue();
    expect(await statusOf(bucket.id)).toBe('open');
  });

  it('is funded once, by the allocation that fills it, whatever passes run at the same time', async () => {
    const { round, alice, bob, bucket } = await permanentRound();
    await t.allocate(alice, bucket.id, 50_000).expect(200);
    const [, ...passes] = await Promise.all([
      t.allocate(bob, bucket.id, 30_000).expect(200),
      ...[1, 2, 3].map(() => fundFullPermanentBuckets(t.db, round.id, { now: t.clock.now() })),
    ]);
    expect(passes.flat().length).toBeLessThanOrEqual(1);
    expect(await statusOf(bucket.id)).toBe('funded');
    const [count] = await q(sql`SELECT COUNT(*)::int AS n FROM decisions WHERE bucket_id = ${bucket.id} AND kind = 'funding_ended'`);
    expect(count!.n).toBe(1);
  });

  it('leaves a full project of a one-off round open until the close', async () => {
    const { members, buckets: [bucket] } = await t.given.fundingRound({ lines: [{ label: 'Seeds', amountCents: 50_000, essential: true }] });
    await t.allocate(members[0]!, bucket!.id, 40_000).expect(200);
    await t.allocate(members[1]!, bucket!.id, 10_000).expect(200);
    await t.app.jobs.runDue();
    expect(await statusOf(bucket!.id)).toBe('open');
  });
});

describe('a permanent round', () => {
  it('never closes, by an admin or by the scheduler', async () => {
    const { round, admin } = await permanentRound();
    const res = await request(t.app.server).post(`/api/rounds/${round.id}/close`).set(t.given.authFor(admin)).send();
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('permanent_round');
    t.clock.advance(365 * 86_400_000);
    await t.app.jobs.runDue();
    expect((await q(sql`SELECT phase FROM rounds WHERE id = ${round.id}`))[0]?.phase).toBe('funding');
  });

  it('shows its results so far to any member', async () => {
    const { round, alice, bucket } = await permanentRound();
    await t.allocate(alice, bucket.id, 60_000).expect(200);
    const res = await request(t.app.server).get(`/api/rounds/${round.id}/results`).set(t.given.authFor(alice));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ final: false, reconciled: true, totals: { pendingCents: 60_000 } });
    expect(res.body.buckets).toEqual([expect.objectContaining({ bucketId: bucket.id, status: 'open', fundedCents: 60_000 })]);
  });
});
