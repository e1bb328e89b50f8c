import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import request from 'supertest';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { sessions } from '../db/schema.ts';
import { testApps, TEST_ORIGIN, type TestContext } from '../../test/harness.ts';
import type { Member } from '../../test/given.ts';

/**
 * The hot routes (`GET /api/auth/me`, `GET /api/rounds/:id/me`, `PUT /api/buckets/:id/allocation`)
 * read the session row inside their own first statement instead of before it. Nothing is
 * remembered between requests, so whatever ends a session or a membership on one instance is
 * refused by the other on the very next request — and nothing is written for it.
 */
let a: TestContext;
let b: TestContext;
let close: () => Promise<void>;
beforeAll(async () => {
  const apps = await testApps(2);
  [a, b] = apps.instances as [TestContext, TestContext];
  close = apps.close;
});
afterAll(() => close());

const hotReads = (member: Member, roundId: string) => [
  request(b.app.server).get('/api/auth/me').set(b.given.authFor(member)),
  request(b.app.server).get(`/api/rounds/${roundId}/me`).set(b.given.authFor(member)),
];
const allocatedIn = async (roundId: string) =>
  Number((await b.db.execute(sql`SELECT coalesce(sum(delta_cents), 0) AS total FROM ledger WHERE round_id = ${roundId} AND kind = 'allocate'`)).rows[0]?.total);

describe('a session checked in the route’s own statement', () => {
  it('serves a live session on every hot route', async () => {
    const { round, members: [alice], buckets: [bucket] } = await a.given.fundingRound();
    const [me, mine] = await Promise.all(hotReads(alice!, round.id));
    expect(me!.status).toBe(200);
    expect(me!.body.memberships).toEqual([expect.objectContaining({ membershipId: alice!.membershipId, role: 'member' })]);
    expect(mine!.status).toBe(200);
    expect(mine!.body).toMatchObject({ participating: true, allowanceCents: 43_000, allocatedCents: 0 });
    expect((await b.allocate(alice!, bucket!.id, 1_000)).status).toBe(200);
    const after = await request(b.app.server).get(`/api/rounds/${round.id}/me`).set(b.given.authFor(alice!)).expect(200);
    expect(after.body).toMatchObject({ allocatedCents: 1_000, remainingCents: 42_000, allocations: [{ bucketId: bucket!.id, amountCents: 1_000 }] });
  });

  it('tells a member of the organisation who holds no allowance in the round that they do not take part', async () => {
    const { admin, round } = await a.given.fundingRound();
    const newcomer = await a.given.member({ organisationId: admin.organisationId });
    const res = await request(b.app.server).get(`/api/rounds/${round.id}/me`).set(b.given.authFor(newcomer)).expect(200);
    expect(res.body).toEqual({ participating: false, allowanceCents: 0, allocatedCents: 0, remainingCents: 0, version: 0, allocations: [] });
  });

  it('refuses a session signed out on the other instance at its very next request, and writes nothing', async () => {
    const { round, members: [alice], buckets: [bucket] } = await a.given.fundingRound();
    expect((await b.allocate(alice!, bucket!.id, 1_000)).status).toBe(200);
    await request(a.app.server).delete('/api/auth/session').set(a.given.authFor(alice!)).expect(204);
    for (const res of await Promise.all(hotReads(alice!, round.id))) expect(res.status).toBe(401);
    expect((await b.allocate(alice!, bucket!.id, 2_000)).status).toBe(401);
    expect(await allocatedIn(round.id)).toBe(1_000);
  });

  it('refuses an expired session', async () => {
    const { round, members: [alice], buckets: [bucket] } = await a.given.fundingRound();
    await a.db.update(sessions).set({ expiresAt: new Date(b.clock.now().getTime() - 1) }).where(eq(sessions.personId, alice!.personId));
    for (const res of await Promise.all(hotReads(alice!, round.id))) expect(res.status).toBe(401);
    expect((await b.allocate(alice!, bucket!.id, 1_000)).status).toBe(401);
    expect(await allocatedIn(round.id)).toBe(0);
  });

  it('refuses a member deactivated on the other instance at once: 404 for the round, no organisation in me', async () => {
    const { admin, round, members: [alice], buckets: [bucket] } = await a.given.fundingRound();
    await request(a.app.server).patch(`/api/orgs/${admin.organisationId}/members/${alice!.membershipId}`).set(a.given.authFor(admin)).send({ active: false }).expect(200);
    const [me, mine] = await Promise.all(hotReads(alice!, round.id));
    expect(me!.status).toBe(200);
    expect(me!.body.memberships).toEqual([]);
    expect(mine!.status).toBe(404);
    expect((await b.allocate(alice!, bucket!.id, 1_000)).status).toBe(404);
    expect(await allocatedIn(round.id)).toBe(0);
  });

  it('applies a role changed on the other instance at once: a demoted admin may no longer allocate for a member', async () => {
    const { admin, round, members: [alice], buckets: [bucket] } = await a.given.fundingRound();
    const other = await a.given.admin(admin.organisationId);
    expect((await b.allocate(admin, bucket!.id, 1_000, { memberId: alice!.membershipId })).status).toBe(200);
    await request(a.app.server).patch(`/api/orgs/${admin.organisationId}/members/${admin.membershipId}`).set(a.given.authFor(other)).send({ role: 'member' }).expect(200);
    expect((await b.allocate(admin, bucket!.id, 2_000, { memberId: alice!.membershipId })).status).toBe(403);
    expect(await allocatedIn(round.id)).toBe(1_000);
  });

  it('still refuses a cookie-authenticated allocation from a foreign origin, and accepts it from ours', async () => {
    const { members: [alice], buckets: [bucket] } = await a.given.fundingRound();
    const cookie = `cagnotte_session=${alice!.token}`;
    const put = (origin: string) => request(b.app.server).put(`/api/buckets/${bucket!.id}/allocation`).set('cookie', cookie).set('origin', origin).send({ amountCents: 1_000 });
    const foreign = await put('https://evil.example');
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('origin_not_allowed');
    expect((await put(TEST_ORIGIN)).status).toBe(200);
  });

  it('costs one statement each: me, my round and an allocation (besides the live NOTIFY)', async () => {
    const { round, members: [alice], buckets: [bucket] } = await a.given.fundingRound();
    const queries = vi.spyOn(pg.Client.prototype, 'query');
    const count = async (call: () => PromiseLike<{ status: number }>) => {
      queries.mockClear();
      expect((await call()).status).toBe(200);
      // The live hub tells the other instances of the change: not part of the request's cost.
      const text = (args: unknown[]) => String(typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string }).text);
      return queries.mock.calls.filter((args) => !text(args).includes('pg_notify')).length;
    };
    try {
      expect(await count(() => request(b.app.server).get('/api/auth/me').set(b.given.authFor(alice!)))).toBe(1);
      expect(await count(() => request(b.app.server).get(`/api/rounds/${round.id}/me`).set(b.given.authFor(alice!)))).toBe(1);
      expect(await count(() => b.allocate(alice!, bucket!.id, 1_000))).toBe(1);
    } finally {
      queries.mockRestore();
    }
  });
});
