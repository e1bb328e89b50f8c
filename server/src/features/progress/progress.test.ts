import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { and, eq } from 'drizzle-orm';
import { bucketProposers, buckets, decisions } from '../../db/schema.ts';
import type { RoundChange } from '../live/changes.ts';
import { testApp, type TestContext } from '../../../test/harness.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const api = () => request(t.app.server);

type Status = (typeof buckets.$inferSelect)['status'];

/** A bucket in `status`, carried by `proposer`. Funded with 0 cents, which the schema allows. */
async function scene(status: Status = 'funded') {
  const proposer = await t.given.member({ name: 'Paula' });
  const member = await t.given.member({ organisationId: proposer.organisationId });
  const round = await t.given.round(proposer.organisationId, { phase: 'closed' });
  const bucket = await t.given.bucket(round.id, proposer, { status });
  return { proposer, member, round, bucket };
}

async function statusOf(bucketId: string): Promise<Status | undefined> {
  const [row] = await t.db.select({ status: buckets.status }).from(buckets).where(eq(buckets.id, bucketId));
  return row?.status;
}

describe('the progress timeline', () => {
  it('lists updates newest first, to any member', async () => {
    const { proposer, member, bucket } = await scene();
    await api().post(`/api/buckets/${bucket.id}/progress`).set(t.given.authFor(proposer)).send({ body: 'Bikes **ordered**' }).expect(201);
    t.clock.advance(3_600_000);
    await api().post(`/api/buckets/${bucket.id}/progress`).set(t.given.authFor(proposer)).send({ body: 'Bikes delivered', link: 'https://example.org/photos' }).expect(201);
    const res = await api().get(`/api/buckets/${bucket.id}/progress`).set(t.given.authFor(member));
    expect(res.status).toBe(200);
    expect(res.body.updates.map((u: { body: string }) => u.body)).toEqual(['Bikes delivered', 'Bikes **ordered**']);
    expect(res.body.updates[0]).toMatchObject({ link: 'https://example.org/photos', author: { membershipId: proposer.membershipId, name: 'Paula' } });
    expect(res.body.updates[1]).toMatchObject({ link: null, bodyHtml: '<p>Bikes <strong>ordered</strong></p>\n' });
  });

  it('is empty before anything is reported', async () => {
    const { member, bucket } = await scene('open');
    const res = await api().get(`/api/buckets/${bucket.id}/progress`).set(t.given.authFor(member));
    expect(res.body).toEqual({ updates: [] });
  });

  it('asks an anonymous caller to sign in', async () => {
    const { bucket } = await scene();
    expect((await api().get(`/api/buckets/${bucket.id}/progress`)).status).toBe(401);
  });

  it('refuses a member of another organisation as not found', async () => {
    const { bucket } = await scene();
    const outsider = await t.given.member();
    expect((await api().get(`/api/buckets/${bucket.id}/progress`).set(t.given.authFor(outsider))).status).toBe(404);
  });
});

describe('posting a progress update', () => {
  it('lets an accepted proposer report on a funded bucket', async () => {
    const { proposer, bucket } = await scene();
    const res = await api().post(`/api/buckets/${bucket.id}/progress`).set(t.given.authFor(proposer)).send({ body: 'Ordered', link: 'http://example.org/order' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ bucketId: bucket.id, body: 'Ordered', link: 'http://example.org/order', createdAt: t.clock.now().toISOString() });
  });

  it('lets a proposer post a final report after completion', async () => {
    const { proposer, bucket } = await scene('completed');
    expect((await api().post(`/api/buckets/${bucket.id}/progress`).set(t.given.authFor(proposer)).send({ body: 'Final report' })).status).toBe(201);
  });

  it.each(['draft', 'proposed', 'open', 'awaiting_board', 'not_funded', 'withdrawn', 'rejected'] as const)(
    'refuses an update on a %s bucket as bucket_not_funded',
    async (status) => {
      const { proposer, bucket } = await scene(status);
      const res = await api().post(`/api/buckets/${bucket.id}/progress`).set(t.given.authFor(proposer)).send({ body: 'Too early' });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'bucket_not_funded', bucketStatus: status });
    },
  );

  it('refuses a member who does not carry the bucket', async () => {
    const { member, bucket } = await scene();
    expect((await api().post(`/api/buckets/${bucket.id}/progress`).set(t.given.authFor(member)).send({ body: 'x' })).status).toBe(403);
  });

  it('refuses an admin, who does not write in the proposers’ name', async () => {
    const { proposer, bucket } = await scene();
    const admin = await t.given.admin(proposer.organisationId);
    expect((await api().post(`/api/buckets/${bucket.id}/progress`).set(t.given.authFor(admin)).send({ body: 'x' })).status).toBe(403);
  });

  it('refuses a proposer who was only invited', async () => {
    const { proposer, bucket } = await scene();
    const invited = await t.given.member({ organisationId: proposer.organisationId });
    await t.db.insert(bucketProposers).values({ bucketId: bucket.id, membershipId: invited.membershipId, status: 'invited' });
    expect((await api().post(`/api/buckets/${bucket.id}/progress`).set(t.given.authFor(invited)).send({ body: 'x' })).status).toBe(403);
  });

  it.each([
    ['an ftp link', { link: 'ftp://example.org/file' }, 'body.link'],
    ['a javascript link', { link: 'javascript:alert(1)' }, 'body.link'],
    ['a link that is no URL', { link: 'see the photos' }, 'body.link'],
    ['an empty body', { body: '' }, 'body.body'],
    ['a body over 10,000 characters', { body: 'x'.repeat(10_001) }, 'body.body'],
  ])('refuses %s, naming the field', async (_, patch, path) => {
    const { proposer, bucket } = await scene();
    const res = await api().post(`/api/buckets/${bucket.id}/progress`).set(t.given.authFor(proposer)).send({ body: 'ok', ...patch });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe(path);
  });

  it('asks an anonymous caller to sign in', async () => {
    const { bucket } = await scene();
    expect((await api().post(`/api/buckets/${bucket.id}/progress`).send({ body: 'x' })).status).toBe(401);
  });

  it('refuses a member of another organisation as not found', async () => {
    const { bucket } = await scene();
    const outsider = await t.given.admin();
    expect((await api().post(`/api/buckets/${bucket.id}/progress`).set(t.given.authFor(outsider)).send({ body: 'x' })).status).toBe(404);
  });
});

describe('completing a bucket', () => {
  it('moves a funded bucket to completed when a proposer says so, and records the decision', async () => {
    const { proposer, round, bucket } = await scene();
    const res = await api().post(`/api/buckets/${bucket.id}/complete`).set(t.given.authFor(proposer)).send({ note: 'Bikes in service' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ bucketId: bucket.id, status: 'completed', completedAt: t.clock.now().toISOString() });
    expect(await statusOf(bucket.id)).toBe('completed');
    const recorded = await t.db.select().from(decisions).where(and(eq(decisions.bucketId, bucket.id), eq(decisions.kind, 'bucket_completed')));
    expect(recorded).toEqual([expect.objectContaining({ roundId: round.id, actorId: proposer.membershipId, reason: 'Bikes in service' })]);
  });

  it('lets an admin complete it, with no body at all', async () => {
    const { proposer, bucket } = await scene();
    const admin = await t.given.admin(proposer.organisationId);
    const res = await api().post(`/api/buckets/${bucket.id}/complete`).set(t.given.authFor(admin));
    expect(res.status).toBe(200);
    const [recorded] = await t.db.select().from(decisions).where(eq(decisions.bucketId, bucket.id));
    expect(recorded).toMatchObject({ kind: 'bucket_completed', actorId: admin.membershipId, reason: null });
  });

  it('announces the change to the live hub after commit', async () => {
    const { proposer, round, bucket } = await scene();
    const seen: RoundChange[] = [];
    const stop = t.app.changes.subscribe((change) => seen.push(change));
    try {
      await api().post(`/api/buckets/${bucket.id}/complete`).set(t.given.authFor(proposer)).send({}).expect(200);
    } finally {
      stop();
    }
    expect(seen).toContainEqual({ roundId: round.id, bucketIds: [bucket.id] });
  });

  it('keeps the money the bucket holds', async () => {
    const { proposer, bucket } = await scene();
    await t.db.update(buckets).set({ fundedCents: 100_000 }).where(eq(buckets.id, bucket.id));
    await api().post(`/api/buckets/${bucket.id}/complete`).set(t.given.authFor(proposer)).send({}).expect(200);
    const [row] = await t.db.select({ fundedCents: buckets.fundedCents }).from(buckets).where(eq(buckets.id, bucket.id));
    expect(row?.fundedCents).toBe(100_000);
  });

  it('refuses to complete a bucket twice', async () => {
    const { proposer, bucket } = await scene();
    await api().post(`/api/buckets/${bucket.id}/complete`).set(t.given.authFor(proposer)).send({}).expect(200);
    const res = await api().post(`/api/buckets/${bucket.id}/complete`).set(t.given.authFor(proposer)).send({});
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'bucket_not_funded', bucketStatus: 'completed' });
    expect(await t.db.select().from(decisions).where(eq(decisions.bucketId, bucket.id))).toHaveLength(1);
  });

  it('completes exactly once when two requests race', async () => {
    const { proposer, bucket } = await scene();
    const admin = await t.given.admin(proposer.organisationId);
    const [a, b] = await Promise.all([
      api().post(`/api/buckets/${bucket.id}/complete`).set(t.given.authFor(proposer)).send({}),
      api().post(`/api/buckets/${bucket.id}/complete`).set(t.given.authFor(admin)).send({}),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(await t.db.select().from(decisions).where(eq(decisions.bucketId, bucket.id))).toHaveLength(1);
  });

  it.each(['draft', 'proposed', 'open', 'awaiting_board', 'not_funded', 'withdrawn', 'rejected'] as const)(
    'refuses to complete a %s bucket as bucket_not_funded',
    async (status) => {
      const { proposer, bucket } = await scene(status);
      const admin = await t.given.admin(proposer.organisationId);
      const res = await api().post(`/api/buckets/${bucket.id}/complete`).set(t.given.authFor(admin)).send({});
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'bucket_not_funded', bucketStatus: status });
      expect(await statusOf(bucket.id)).toBe(status);
    },
  );

  it.each(['member', 'reviewer', 'accountant'] as const)('refuses a %s who does not carry the bucket', async (role) => {
    const { proposer, bucket } = await scene();
    const other = await t.given.member({ organisationId: proposer.organisationId, role });
    expect((await api().post(`/api/buckets/${bucket.id}/complete`).set(t.given.authFor(other)).send({})).status).toBe(403);
    expect(await statusOf(bucket.id)).toBe('funded');
  });

  it('names the field when the note is too long', async () => {
    const { proposer, bucket } = await scene();
    const res = await api().post(`/api/buckets/${bucket.id}/complete`).set(t.given.authFor(proposer)).send({ note: 'x'.repeat(2_001) });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.note');
  });

  it('asks an anonymous caller to sign in', async () => {
    const { bucket } = await scene();
    expect((await api().post(`/api/buckets/${bucket.id}/complete`).send({})).status).toBe(401);
  });

  it('refuses an admin of another organisation as not found', async () => {
    const { bucket } = await scene();
    const outsider = await t.given.admin();
    expect((await api().post(`/api/buckets/${bucket.id}/complete`).set(t.given.authFor(outsider)).send({})).status).toBe(404);
  });
});
