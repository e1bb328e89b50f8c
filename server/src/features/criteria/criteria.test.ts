import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { testApp, type TestContext } from '../../../test/harness.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const api = () => request(t.app.server);

async function setUp(phase: 'draft' | 'proposals' | 'funding' | 'closed' = 'proposals') {
  const admin = await t.given.admin();
  const round = await t.given.round(admin.organisationId, { phase });
  return { admin, round, auth: t.given.authFor(admin) };
}

async function add(roundId: string, auth: Record<string, string>, title: string) {
  const res = await api().post(`/api/rounds/${roundId}/criteria`).set(auth).send({ title });
  expect(res.status).toBe(201);
  return res.body as { id: string; position: number };
}

async function titles(roundId: string, auth: Record<string, string>) {
  const res = await api().get(`/api/rounds/${roundId}/criteria`).set(auth);
  return res.body.criteria.map((c: { title: string; position: number }) => `${c.position}:${c.title}`);
}

describe('the appraisal grid', () => {
  it('adds criteria at the end, with their description rendered', async () => {
    const { round, auth } = await setUp();
    await add(round.id, auth, 'Useful');
    const res = await api().post(`/api/rounds/${round.id}/criteria`).set(auth).send({ title: 'Green', description: 'Low *carbon*' });
    expect(res.body).toMatchObject({ roundId: round.id, position: 1, title: 'Green', description: 'Low *carbon*', descriptionHtml: '<p>Low <em>carbon</em></p>\n' });
    expect(await titles(round.id, auth)).toEqual(['0:Useful', '1:Green']);
  });

  it('shows the grid to every member of the organisation', async () => {
    const { admin, round, auth } = await setUp();
    await add(round.id, auth, 'Useful');
    const member = await t.given.member({ organisationId: admin.organisationId });
    const res = await api().get(`/api/rounds/${round.id}/criteria`).set(t.given.authFor(member));
    expect(res.status).toBe(200);
    expect(res.body.criteria).toHaveLength(1);
  });

  it('renames a criterion', async () => {
    const { round, auth } = await setUp('draft');
    const criterion = await add(round.id, auth, 'Usefull');
    const res = await api().patch(`/api/criteria/${criterion.id}`).set(auth).send({ title: 'Useful', description: 'For many' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: 'Useful', description: 'For many', position: 0 });
  });

  it('moves a criterion and shifts the others', async () => {
    const { round, auth } = await setUp();
    await add(round.id, auth, 'A');
    await add(round.id, auth, 'B');
    const c = await add(round.id, auth, 'C');
    const res = await api().patch(`/api/criteria/${c.id}`).set(auth).send({ position: 0 });
    expect(res.body.position).toBe(0);
    expect(await titles(round.id, auth)).toEqual(['0:C', '1:A', '2:B']);
    await api().patch(`/api/criteria/${c.id}`).set(auth).send({ position: 99 }).expect(200);
    expect(await titles(round.id, auth)).toEqual(['0:A', '1:B', '2:C']);
  });

  it('removes a criterion and closes the gap', async () => {
    const { round, auth } = await setUp();
    await add(round.id, auth, 'A');
    const b = await add(round.id, auth, 'B');
    await add(round.id, auth, 'C');
    await api().delete(`/api/criteria/${b.id}`).set(auth).expect(204);
    expect(await titles(round.id, auth)).toEqual(['0:A', '1:C']);
    expect((await api().delete(`/api/criteria/${b.id}`).set(auth)).status).toBe(404);
  });

  it.each(['funding', 'closed'] as const)('cannot change once the round is in %s', async (phase) => {
    const { round, auth } = await setUp(phase);
    const criterion = await t.given.criterion(round.id);
    const attempts = [
      await api().post(`/api/rounds/${round.id}/criteria`).set(auth).send({ title: 'Late' }),
      await api().patch(`/api/criteria/${criterion.id}`).set(auth).send({ title: 'Late' }),
      await api().delete(`/api/criteria/${criterion.id}`).set(auth),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('criteria_frozen');
    }
  });

  it('names an empty title', async () => {
    const { round, auth } = await setUp();
    const res = await api().post(`/api/rounds/${round.id}/criteria`).set(auth).send({ title: '  ' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.title');
  });

  it('changes are for admins only', async () => {
    const { admin, round, auth } = await setUp();
    const criterion = await add(round.id, auth, 'A');
    const reviewer = await t.given.member({ organisationId: admin.organisationId, role: 'reviewer' });
    const r = t.given.authFor(reviewer);
    expect((await api().post(`/api/rounds/${round.id}/criteria`).set(r).send({ title: 'X' })).status).toBe(403);
    expect((await api().patch(`/api/criteria/${criterion.id}`).set(r).send({ title: 'X' })).status).toBe(403);
    expect((await api().delete(`/api/criteria/${criterion.id}`).set(r)).status).toBe(403);
  });

  it('answers 404 to another organisation and 401 when not signed in', async () => {
    const { round, auth } = await setUp();
    const criterion = await add(round.id, auth, 'A');
    const stranger = t.given.authFor(await t.given.admin());
    expect((await api().get(`/api/rounds/${round.id}/criteria`).set(stranger)).status).toBe(404);
    expect((await api().post(`/api/rounds/${round.id}/criteria`).set(stranger).send({ title: 'X' })).status).toBe(404);
    expect((await api().patch(`/api/criteria/${criterion.id}`).set(stranger).send({ title: 'X' })).status).toBe(404);
    expect((await api().delete(`/api/criteria/${criterion.id}`).set(stranger)).status).toBe(404);
    expect((await api().get(`/api/rounds/${round.id}/criteria`)).status).toBe(401);
    expect((await api().patch(`/api/criteria/${criterion.id}`).send({ title: 'X' })).status).toBe(401);
  });

  it('hides a draft round’s grid from members', async () => {
    const { admin, round } = await setUp('draft');
    const member = await t.given.member({ organisationId: admin.organisationId });
    expect((await api().get(`/api/rounds/${round.id}/criteria`).set(t.given.authFor(member))).status).toBe(404);
  });
});
