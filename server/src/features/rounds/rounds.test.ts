import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { testApp, type TestContext } from '../../../test/harness.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const api = () => request(t.app.server);

describe('creating a round', () => {
  it('creates a draft with the organisation’s currency and the default rules', async () => {
    const admin = await t.given.admin();
    const res = await api()
      .post(`/api/orgs/${admin.organisationId}/rounds`)
      .set(t.given.authFor(admin))
      .send({ title: 'Budget 2027', description: 'Nos **projets**', defaultAllowanceCents: 43_000 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      organisationId: admin.organisationId,
      title: 'Budget 2027',
      description: 'Nos **projets**',
      descriptionHtml: '<p>Nos <strong>projets</strong></p>\n',
      currency: 'EUR',
      kind: 'one_off',
      phase: 'draft',
      defaultAllowanceCents: 43_000,
      perBucketCapCents: null,
      minCoProposers: 1,
      approvalRequired: false,
      nearlyFundedPercent: 80,
      shortfallRule: 'return',
      contributorsVisible: false,
      closesAt: null,
    });
  });

  it('takes another currency when given', async () => {
    const admin = await t.given.admin();
    const res = await api().post(`/api/orgs/${admin.organisationId}/rounds`).set(t.given.authFor(admin)).send({ title: 'Swiss', currency: 'CHF' });
    expect(res.body.currency).toBe('CHF');
  });

  it('reads dates without an offset in the organisation’s time zone, and keeps offsets as given', async () => {
    const org = await t.given.org({ timeZone: 'Europe/Paris' });
    const admin = await t.given.admin(org.id);
    const res = await api()
      .post(`/api/orgs/${org.id}/rounds`)
      .set(t.given.authFor(admin))
      .send({
        title: 'Dated',
        proposalsOpenAt: '2026-03-28T18:00', // winter time, UTC+1
        fundingOpensAt: '2026-03-29T18:00', // summer time since that night, UTC+2
        closesAt: '2026-06-01T12:00:00Z',
        boardMeetingAt: '2026-06-10T18:00:00-04:00',
      });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      proposalsOpenAt: '2026-03-28T17:00:00.000Z',
      fundingOpensAt: '2026-03-29T16:00:00.000Z',
      closesAt: '2026-06-01T12:00:00.000Z',
      boardMeetingAt: '2026-06-10T22:00:00.000Z',
    });
  });

  it('uses the organisation’s own time zone, not the server’s', async () => {
    const org = await t.given.org({ timeZone: 'America/New_York' });
    const admin = await t.given.admin(org.id);
    const res = await api().post(`/api/orgs/${org.id}/rounds`).set(t.given.authFor(admin)).send({ title: 'NY', presentationAt: '2026-12-01T18:00' });
    expect(res.body.presentationAt).toBe('2026-12-01T23:00:00.000Z');
  });

  it('refuses funding opening before proposals, naming the field', async () => {
    const admin = await t.given.admin();
    const res = await api()
      .post(`/api/orgs/${admin.organisationId}/rounds`)
      .set(t.given.authFor(admin))
      .send({ title: 'Bad', proposalsOpenAt: '2026-12-10T10:00', fundingOpensAt: '2026-12-01T10:00' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.fundingOpensAt']);
  });

  it('refuses a close at or before funding opens', async () => {
    const admin = await t.given.admin();
    const res = await api()
      .post(`/api/orgs/${admin.organisationId}/rounds`)
      .set(t.given.authFor(admin))
      .send({ title: 'Bad', fundingOpensAt: '2026-12-01T10:00', closesAt: '2026-12-01T10:00' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.closesAt']);
  });

  it('refuses a date whose offset PostgreSQL cannot read, naming it', async () => {
    const admin = await t.given.admin();
    const res = await api()
      .post(`/api/orgs/${admin.organisationId}/rounds`)
      .set(t.given.authFor(admin))
      .send({ title: 'Far west', closesAt: '2026-12-01T10:00:00-16:00' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.closesAt']);
  });

  it('refuses a close date on a permanent round', async () => {
    const admin = await t.given.admin();
    const res = await api()
      .post(`/api/orgs/${admin.organisationId}/rounds`)
      .set(t.given.authFor(admin))
      .send({ title: 'Always open', kind: 'permanent', closesAt: '2027-01-01T00:00' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.closesAt');
  });

  it.each([0, 101])('refuses a nearly-funded threshold of %i%%', async (nearlyFundedPercent) => {
    const admin = await t.given.admin();
    const res = await api().post(`/api/orgs/${admin.organisationId}/rounds`).set(t.given.authFor(admin)).send({ title: 'T', nearlyFundedPercent });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.nearlyFundedPercent');
  });

  it.each([
    ['minCoProposers', 21],
    ['minCoProposers', 0],
    ['defaultAllowanceCents', -1],
    ['defaultAllowanceCents', 12.5],
    ['perBucketCapCents', 0],
    ['currency', 'eur'],
    ['closesAt', '2026-02-30T10:00'],
    ['closesAt', 'tomorrow'],
    ['title', ''],
  ])('names %s when it is %j', async (field, value) => {
    const admin = await t.given.admin();
    const res = await api().post(`/api/orgs/${admin.organisationId}/rounds`).set(t.given.authFor(admin)).send({ title: 'T', [field]: value });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(`body.${field}`);
  });

  it('is for admins only', async () => {
    const admin = await t.given.admin();
    for (const role of ['member', 'reviewer', 'accountant'] as const) {
      const other = await t.given.member({ organisationId: admin.organisationId, role });
      const res = await api().post(`/api/orgs/${admin.organisationId}/rounds`).set(t.given.authFor(other)).send({ title: 'T' });
      expect(res.status).toBe(403);
    }
  });

  it('answers 404 in another organisation and 401 when not signed in', async () => {
    const admin = await t.given.admin();
    const stranger = await t.given.admin();
    expect((await api().post(`/api/orgs/${admin.organisationId}/rounds`).set(t.given.authFor(stranger)).send({ title: 'T' })).status).toBe(404);
    expect((await api().post(`/api/orgs/${admin.organisationId}/rounds`).send({ title: 'T' })).status).toBe(401);
  });
});

describe('reading rounds', () => {
  it('lists every round to admins, newest first', async () => {
    const admin = await t.given.admin();
    const older = await t.given.round(admin.organisationId, { phase: 'draft', createdAt: new Date('2026-01-01T00:00:00Z') });
    const newer = await t.given.round(admin.organisationId, { phase: 'proposals', createdAt: new Date('2026-02-01T00:00:00Z') });
    const res = await api().get(`/api/orgs/${admin.organisationId}/rounds`).set(t.given.authFor(admin));
    expect(res.status).toBe(200);
    expect(res.body.rounds.map((r: { id: string }) => r.id)).toEqual([newer.id, older.id]);
  });

  it('hides drafts from members', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    await t.given.round(admin.organisationId, { phase: 'draft' });
    const open = await t.given.round(admin.organisationId, { phase: 'proposals' });
    const res = await api().get(`/api/orgs/${admin.organisationId}/rounds`).set(t.given.authFor(member));
    expect(res.body.rounds.map((r: { id: string }) => r.id)).toEqual([open.id]);
  });

  it('shows a round to any member of its organisation', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    const round = await t.given.round(admin.organisationId, { phase: 'funding', description: '# Hello' });
    const res = await api().get(`/api/rounds/${round.id}`).set(t.given.authFor(member));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: round.id, phase: 'funding', descriptionHtml: '<h1>Hello</h1>\n' });
  });

  it('treats a draft as missing for members but shows it to admins', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId, role: 'reviewer' });
    const draft = await t.given.round(admin.organisationId, { phase: 'draft' });
    expect((await api().get(`/api/rounds/${draft.id}`).set(t.given.authFor(member))).status).toBe(404);
    expect((await api().get(`/api/rounds/${draft.id}`).set(t.given.authFor(admin))).status).toBe(200);
  });

  it('answers 404 to another organisation and 401 when not signed in', async () => {
    const admin = await t.given.admin();
    const stranger = await t.given.member();
    const round = await t.given.round(admin.organisationId);
    expect((await api().get(`/api/rounds/${round.id}`).set(t.given.authFor(stranger))).status).toBe(404);
    expect((await api().get(`/api/orgs/${admin.organisationId}/rounds`).set(t.given.authFor(stranger))).status).toBe(404);
    expect((await api().get(`/api/rounds/${round.id}`)).status).toBe(401);
    expect((await api().get(`/api/orgs/${admin.organisationId}/rounds`)).status).toBe(401);
  });

  it('answers 400 to a round id that is not a uuid', async () => {
    const admin = await t.given.admin();
    const res = await api().get('/api/rounds/nope').set(t.given.authFor(admin));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('params.roundId');
  });
});

describe('changing a round', () => {
  it('changes the fields sent and leaves the others', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'draft', title: 'Before', defaultAllowanceCents: 10_000 });
    const res = await api()
      .patch(`/api/rounds/${round.id}`)
      .set(t.given.authFor(admin))
      .send({ title: 'After', perBucketCapCents: 5_000, closesAt: '2027-01-15T12:00' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: 'After', defaultAllowanceCents: 10_000, perBucketCapCents: 5_000, closesAt: '2027-01-15T11:00:00.000Z' });
  });

  it('clears a date sent as null', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'draft', closesAt: new Date('2027-01-01T00:00:00Z') });
    const res = await api().patch(`/api/rounds/${round.id}`).set(t.given.authFor(admin)).send({ closesAt: null });
    expect(res.body.closesAt).toBeNull();
  });

  it('checks the dates against those already set', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'draft', fundingOpensAt: new Date('2027-02-01T00:00:00Z') });
    const res = await api().patch(`/api/rounds/${round.id}`).set(t.given.authFor(admin)).send({ closesAt: '2027-01-01T00:00:00Z' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.closesAt');
  });

  it('refuses to make a round with a close date permanent', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'draft', closesAt: new Date('2027-01-01T00:00:00Z') });
    const refused = await api().patch(`/api/rounds/${round.id}`).set(t.given.authFor(admin)).send({ kind: 'permanent' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].path).toBe('body.closesAt');
    const done = await api().patch(`/api/rounds/${round.id}`).set(t.given.authFor(admin)).send({ kind: 'permanent', closesAt: null });
    expect(done.body).toMatchObject({ kind: 'permanent', closesAt: null });
  });

  it('refuses to change the money rules once funding has started', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'funding' });
    for (const body of [{ defaultAllowanceCents: 1 }, { perBucketCapCents: 100 }, { kind: 'permanent' }, { currency: 'CHF' }, { shortfallRule: 'board' }]) {
      const res = await api().patch(`/api/rounds/${round.id}`).set(t.given.authFor(admin)).send(body);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('round_rules_frozen');
      expect(res.body.fields).toEqual(Object.keys(body));
    }
  });

  it('accepts the frozen rules sent unchanged during funding, with the fields that may change', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'funding', defaultAllowanceCents: 43_000 });
    const res = await api()
      .patch(`/api/rounds/${round.id}`)
      .set(t.given.authFor(admin))
      .send({ defaultAllowanceCents: 43_000, currency: 'EUR', title: 'Renamed', description: 'New', presentationAt: '2027-01-01T18:00', boardMeetingAt: '2027-01-02T18:00', closesAt: '2030-01-01T00:00' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: 'Renamed', description: 'New', presentationAt: '2027-01-01T17:00:00.000Z' });
  });

  it('refuses any change to a closed round', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'closed' });
    const res = await api().patch(`/api/rounds/${round.id}`).set(t.given.authFor(admin)).send({ title: 'Too late' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('round_closed');
  });

  it('announces the change to live followers', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'proposals' });
    const seen: unknown[] = [];
    const stop = t.app.changes.subscribe((change) => seen.push(change));
    await api().patch(`/api/rounds/${round.id}`).set(t.given.authFor(admin)).send({ title: 'Announced' }).expect(200);
    stop();
    expect(seen).toContainEqual({ roundId: round.id, round: true });
  });

  it('is for admins of the round’s organisation only', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    const stranger = await t.given.admin();
    const round = await t.given.round(admin.organisationId);
    expect((await api().patch(`/api/rounds/${round.id}`).set(t.given.authFor(member)).send({ title: 'X' })).status).toBe(403);
    expect((await api().patch(`/api/rounds/${round.id}`).set(t.given.authFor(stranger)).send({ title: 'X' })).status).toBe(404);
    expect((await api().patch(`/api/rounds/${round.id}`).send({ title: 'X' })).status).toBe(401);
  });
});
