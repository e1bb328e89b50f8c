import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { eq } from 'drizzle-orm';
import { testApp, type TestContext } from '../../test/harness.ts';
import { comments, memberships } from '../db/schema.ts';
import { problemFromError } from './error-handler.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const api = () => request(t.app.server);
const NUL = 'x\u0000y';

function expectFieldRefused(res: request.Response, path: string) {
  expect(res.status).toBe(400);
  expect(res.type).toBe('application/problem+json');
  expect(res.body).toMatchObject({ code: 'validation_failed', errors: [{ path }] });
  expect(res.body.errors[0].message).toMatch(/NUL/);
}

describe('text PostgreSQL cannot store', () => {
  it('refuses a NUL byte in a comment with a 400 naming the field, and writes nothing', async () => {
    const { admin, buckets } = await t.given.fundingRound({ buckets: 1 });
    const bucket = buckets[0];
    if (!bucket) throw new Error('no bucket');
    const res = await api().post(`/api/buckets/${bucket.id}/comments`).set(t.given.authFor(admin)).send({ body: NUL });
    expectFieldRefused(res, 'body.body');
    expect(await t.db.select().from(comments).where(eq(comments.bucketId, bucket.id))).toEqual([]);
  });

  it('refuses it in a member’s name', async () => {
    const admin = await t.given.admin();
    const res = await api().post(`/api/orgs/${admin.organisationId}/members`).set(t.given.authFor(admin)).send({ email: 'nul@example.org', name: NUL });
    expectFieldRefused(res, 'body.name');
  });

  it('refuses it in an organisation’s name', async () => {
    const admin = await t.given.admin();
    const res = await api().patch(`/api/orgs/${admin.organisationId}`).set(t.given.authFor(admin)).send({ name: NUL });
    expectFieldRefused(res, 'body.name');
  });

  it('refuses it in a round’s title', async () => {
    const admin = await t.given.admin();
    const res = await api().post(`/api/orgs/${admin.organisationId}/rounds`).set(t.given.authFor(admin)).send({ title: NUL });
    expectFieldRefused(res, 'body.title');
  });

  it('refuses it in a grant’s reason', async () => {
    const { admin, round } = await t.given.fundingRound();
    const res = await api().post(`/api/rounds/${round.id}/grants`).set(t.given.authFor(admin)).send({ amountCents: 100, reason: NUL });
    expectFieldRefused(res, 'body.reason');
  });

  it('refuses it inside a nested field, naming the path', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'proposals' });
    const res = await api()
      .post(`/api/rounds/${round.id}/buckets`)
      .set(t.given.authFor(admin))
      .send({ title: 'Fine', budgetLines: [{ label: NUL, amountCents: 100, essential: true }] });
    expectFieldRefused(res, 'body.budgetLines.0.label');
  });

  it('refuses a lone UTF-16 surrogate, which would otherwise be stored as U+FFFD', async () => {
    const admin = await t.given.admin();
    const res = await api()
      .post(`/api/orgs/${admin.organisationId}/members`)
      .set(t.given.authFor(admin))
      .set('content-type', 'application/json')
      .send('{"email":"surrogate@example.org","name":"x\\ud800y"}');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'body.name', message: 'must not contain a lone UTF-16 surrogate' }]);
  });

  it('accepts characters outside the basic plane, whose surrogates come in pairs', async () => {
    const admin = await t.given.admin();
    const res = await api().post(`/api/orgs/${admin.organisationId}/members`).set(t.given.authFor(admin)).send({ email: 'emoji@example.org', name: 'Zoë 🌱' });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('Zoë 🌱');
  });

  it('refuses it in a members CSV import, naming the line, and imports nothing', async () => {
    const admin = await t.given.admin();
    const res = await api()
      .post(`/api/orgs/${admin.organisationId}/members/import`)
      .set(t.given.authFor(admin))
      .set('content-type', 'text/csv')
      .send('email,name\nok@example.org,Fine\nbad@example.org,x\u0000y\n');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'body', message: 'line 3 must not contain the NUL character (U+0000)' }]);
    expect(await t.db.select().from(memberships).where(eq(memberships.organisationId, admin.organisationId))).toHaveLength(1);
  });

  it('refuses it in an allowances CSV import', async () => {
    const { admin, round, members } = await t.given.fundingRound({ members: 1 });
    const res = await api()
      .post(`/api/rounds/${round.id}/allowances/import`)
      .set(t.given.authFor(admin))
      .set('content-type', 'text/csv')
      .send(`email,amount\n${members[0]?.email}\u0000,10\n`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ path: 'body', message: expect.stringMatching(/^line 2 /) });
  });

  it('refuses it in a query parameter', async () => {
    const admin = await t.given.admin();
    const res = await api().get(`/api/orgs/${admin.organisationId}/members?role=admin%00`).set(t.given.authFor(admin));
    expectFieldRefused(res, 'querystring.role');
  });
});

describe('the last guard in the error handler', () => {
  it('maps PostgreSQL’s refusal of a character (22021, 22P05) to a 400', () => {
    for (const code of ['22021', '22P05']) {
      expect(problemFromError({ cause: { code } })).toMatchObject({ status: 400, code: 'invalid_text' });
    }
  });
});
