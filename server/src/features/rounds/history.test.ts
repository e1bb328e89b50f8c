import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { testApp, type TestContext } from '../../../test/harness.ts';
import { decisions } from '../../db/schema.ts';
import { recordDecision } from '../decisions/record.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const api = () => request(t.app.server);

describe('the decisions history', () => {
  it('lists decisions newest first with the actor’s name and the project', async () => {
    const admin = await t.given.member({ role: 'admin', name: 'Awa Admin' });
    const member = await t.given.member({ organisationId: admin.organisationId });
    const round = await t.given.round(admin.organisationId, { phase: 'proposals' });
    const bucket = await t.given.bucket(round.id, member, { title: 'Bike shed', status: 'proposed' });
    await t.db.insert(decisions).values([
      { roundId: round.id, kind: 'phase_changed', actorId: null, data: { from: 'draft', to: 'proposals' }, createdAt: new Date('2026-01-01T10:00:00Z') },
      { roundId: round.id, bucketId: bucket.id, kind: 'bucket_approved', actorId: admin.membershipId, reason: 'Fits the grid', createdAt: new Date('2026-01-02T10:00:00Z') },
    ]);
    const res = await api().get(`/api/rounds/${round.id}/decisions`).set(t.given.authFor(member));
    expect(res.status).toBe(200);
    expect(res.body.decisions).toEqual([
      {
        id: expect.any(String),
        kind: 'bucket_approved',
        actor: { membershipId: admin.membershipId, name: 'Awa Admin' },
        bucket: { id: bucket.id, title: 'Bike shed' },
        reason: 'Fits the grid',
        data: {},
        createdAt: '2026-01-02T10:00:00.000Z',
      },
      {
        id: expect.any(String),
        kind: 'phase_changed',
        actor: null,
        bucket: null,
        reason: null,
        data: { from: 'draft', to: 'proposals' },
        createdAt: '2026-01-01T10:00:00.000Z',
      },
    ]);
    expect(res.body.next).toBeNull();
  });

  it('pages with a cursor without skipping decisions made in the same instant', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'proposals' });
    // One transaction: every row gets the same created_at.
    await t.db.transaction(async (tx) => {
      for (let i = 0; i < 5; i++) await recordDecision(tx, { roundId: round.id, kind: 'phase_changed', actorId: null, data: { i } });
    });
    const seen: number[] = [];
    let query = '?limit=2';
    for (let pages = 0; pages < 10; pages++) {
      const res = await api().get(`/api/rounds/${round.id}/decisions${query}`).set(t.given.authFor(admin));
      expect(res.status).toBe(200);
      seen.push(...res.body.decisions.map((d: { data: { i: number } }) => d.data.i));
      if (!res.body.next) break;
      query = `?limit=2&before=${encodeURIComponent(res.body.next.before)}&beforeId=${res.body.next.beforeId}`;
    }
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('takes `before` alone as “older than this instant”', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'proposals' });
    await t.db.insert(decisions).values([
      { roundId: round.id, kind: 'phase_changed', data: { n: 1 }, createdAt: new Date('2026-01-01T10:00:00Z') },
      { roundId: round.id, kind: 'phase_changed', data: { n: 2 }, createdAt: new Date('2026-01-02T10:00:00Z') },
    ]);
    const res = await api().get(`/api/rounds/${round.id}/decisions?before=2026-01-02T10:00:00.000Z`).set(t.given.authFor(admin));
    expect(res.body.decisions.map((d: { data: { n: number } }) => d.data.n)).toEqual([1]);
  });

  it('refuses an offset PostgreSQL cannot read (beyond ±15:59) with a 400, not a 500', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId);
    const res = await api().get(`/api/rounds/${round.id}/decisions?before=${encodeURIComponent('2026-01-01T00:00:00-16:00')}`).set(t.given.authFor(admin));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('querystring.before');
  });

  it('takes the widest offset PostgreSQL reads', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId);
    const res = await api().get(`/api/rounds/${round.id}/decisions?before=${encodeURIComponent('2026-01-01T00:00:00+15:59')}`).set(t.given.authFor(admin));
    expect(res.status).toBe(200);
  });

  it('names a bad limit or cursor', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId);
    const res = await api().get(`/api/rounds/${round.id}/decisions?limit=0`).set(t.given.authFor(admin));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('querystring.limit');
    expect((await api().get(`/api/rounds/${round.id}/decisions?before=yesterday`).set(t.given.authFor(admin))).status).toBe(400);
  });

  it('records phase changes made through the API', async () => {
    const admin = await t.given.member({ role: 'admin', name: 'Bea' });
    const round = await t.given.round(admin.organisationId, { phase: 'draft' });
    await api().post(`/api/rounds/${round.id}/phase`).set(t.given.authFor(admin)).send({ phase: 'proposals' }).expect(200);
    const res = await api().get(`/api/rounds/${round.id}/decisions`).set(t.given.authFor(admin));
    expect(res.body.decisions).toEqual([expect.objectContaining({ kind: 'phase_changed', actor: { membershipId: admin.membershipId, name: 'Bea' }, data: { from: 'draft', to: 'proposals' } })]);
  });

  it('hides a draft’s history from members, and any history from other organisations', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    const draft = await t.given.round(admin.organisationId, { phase: 'draft' });
    const open = await t.given.round(admin.organisationId, { phase: 'proposals' });
    expect((await api().get(`/api/rounds/${draft.id}/decisions`).set(t.given.authFor(member))).status).toBe(404);
    expect((await api().get(`/api/rounds/${draft.id}/decisions`).set(t.given.authFor(admin))).status).toBe(200);
    expect((await api().get(`/api/rounds/${open.id}/decisions`).set(t.given.authFor(await t.given.member()))).status).toBe(404);
    expect((await api().get(`/api/rounds/${open.id}/decisions`)).status).toBe(401);
  });
});
