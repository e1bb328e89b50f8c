import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import type { Role } from '@cagnotte/shared';
import { testApp, type TestContext } from '../../../test/harness.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const FILES = ['buckets.csv', 'members.csv', 'ledger.csv', 'round.xlsx', 'reconciliation'];

async function roundWith(role: Role) {
  const { admin, round } = await t.given.fundingRound({ members: 1 });
  const who = role === 'admin' ? admin : await t.given.member({ organisationId: admin.organisationId, role });
  return { round, who };
}

const get = (path: string, who?: { token: string }) => {
  const req = request(t.app.server).get(path);
  return who ? req.set(t.given.authFor(who)) : req;
};

describe('who may export', () => {
  it.each(['accountant', 'admin'] as const)('lets an %s download every export', async (role) => {
    const { round, who } = await roundWith(role);
    for (const file of FILES) expect((await get(`/api/rounds/${round.id}/exports/${file}`, who)).status, file).toBe(200);
  });

  it.each(['member', 'reviewer'] as const)('refuses a %s with a 403', async (role) => {
    const { round, who } = await roundWith(role);
    for (const file of FILES) {
      const res = await get(`/api/rounds/${round.id}/exports/${file}`, who);
      expect(res.status, file).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['content-disposition']).toBeUndefined();
    }
  });

  it('hides another organisation’s round as a 404', async () => {
    const { round } = await roundWith('admin');
    const stranger = await t.given.member({ role: 'accountant' });
    for (const file of FILES) expect((await get(`/api/rounds/${round.id}/exports/${file}`, stranger)).status, file).toBe(404);
  });

  it('needs a session', async () => {
    const { round } = await roundWith('admin');
    for (const file of FILES) expect((await get(`/api/rounds/${round.id}/exports/${file}`)).status, file).toBe(401);
  });

  it('refuses a deactivated accountant at once', async () => {
    const { round, who } = await roundWith('accountant');
    await t.db.execute(sql`UPDATE memberships SET active = false WHERE id = ${who.membershipId}`);
    expect((await get(`/api/rounds/${round.id}/exports/ledger.csv`, who)).status).toBe(404);
  });

  it('answers 400 naming the field for a round id that is not a uuid, and 404 for an unknown one', async () => {
    const { who } = await roundWith('accountant');
    const bad = await get('/api/rounds/nope/exports/ledger.csv', who);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('params.roundId');
    expect((await get('/api/rounds/01900000-0000-7000-8000-000000000000/exports/ledger.csv', who)).status).toBe(404);
  });
});
