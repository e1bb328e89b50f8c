import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { count } from 'drizzle-orm';
import { memberships, organisations, people } from '../../db/schema.ts';
import { testApp, TEST_ORIGIN, type TestContext } from '../../../test/harness.ts';
import { issueSetupLink, SETUP_LINK_HOURS } from './service.ts';

// Each test needs an instance of its own: the first run is about having no organisation at all.
const opened: TestContext[] = [];
afterEach(async () => {
  for (const t of opened.splice(0)) await t.close();
});

async function freshInstance(): Promise<TestContext> {
  const t = await testApp();
  opened.push(t);
  return t;
}

/** The link printed at start, as the operator sees it, and its token. */
async function printedLink(t: TestContext): Promise<{ url: string; token: string }> {
  const url = await issueSetupLink(t.db, { publicUrl: TEST_ORIGIN, now: t.clock.now });
  const token = url?.match(/#token=([\w-]+)$/)?.[1];
  if (!url || !token) throw new Error(`no setup link: ${url}`);
  return { url, token };
}

const form = (token: string) => ({
  token,
  organisation: { name: 'Les Artefacts', currency: 'EUR', locale: 'fr', timeZone: 'Europe/Paris' },
  admin: { name: 'Ada Admin', email: 'Ada@Example.org' },
});

const status = (t: TestContext, token?: string) => {
  const req = request(t.app.server).get('/api/setup');
  return token ? req.set('x-setup-token', token) : req;
};

describe('the first-run link', () => {
  it('points at the client setup page with the secret in the fragment', async () => {
    const t = await freshInstance();
    const { url } = await printedLink(t);
    expect(url).toMatch(new RegExp(`^${TEST_ORIGIN}/setup#token=[\\w-]{43}$`));
  });

  it('opens the form while it is fresh, saying until when', async () => {
    const t = await freshInstance();
    const { token } = await printedLink(t);
    const res = await status(t, token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ state: 'ready', expiresAt: new Date(t.clock.now().getTime() + SETUP_LINK_HOURS * 3_600_000).toISOString() });
  });

  it('is unknown without a token or with one the instance never issued', async () => {
    const t = await freshInstance();
    await printedLink(t);
    expect((await status(t)).body.state).toBe('unknown');
    expect((await status(t, 'x'.repeat(43))).body.state).toBe('unknown');
  });

  it('expires after a day', async () => {
    const t = await freshInstance();
    const { token } = await printedLink(t);
    t.clock.advance(SETUP_LINK_HOURS * 3_600_000);
    expect((await status(t, token)).body.state).toBe('expired');
    const res = await request(t.app.server).post('/api/setup').send(form(token));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('setup_link_invalid');
  });

  it('stops working when a newer one is printed', async () => {
    const t = await freshInstance();
    const older = await printedLink(t);
    const newer = await printedLink(t);
    expect((await status(t, older.token)).body.state).toBe('expired');
    expect((await status(t, newer.token)).body.state).toBe('ready');
  });

  it('is not printed once an organisation exists', async () => {
    const t = await freshInstance();
    await t.given.org();
    expect(await issueSetupLink(t.db, { publicUrl: TEST_ORIGIN, now: t.clock.now })).toBeNull();
  });
});

describe('creating the first organisation', () => {
  it('creates the organisation and its admin, and signs the admin in', async () => {
    const t = await freshInstance();
    const { token } = await printedLink(t);
    const res = await request(t.app.server).post('/api/setup').send(form(token));
    expect(res.status).toBe(201);
    expect(res.headers['set-cookie']?.[0]).toMatch(/cagnotte_session=.*HttpOnly.*SameSite=Lax/i);
    expect(res.body.me.person).toMatchObject({ name: 'Ada Admin', email: 'ada@example.org', locale: null });
    expect(res.body.me.memberships).toEqual([
      expect.objectContaining({ role: 'admin', organisation: expect.objectContaining({ name: 'Les Artefacts', slug: 'les-artefacts', currency: 'EUR', locale: 'fr', timeZone: 'Europe/Paris' }) }),
    ]);
    const orgId = res.body.me.memberships[0].organisation.id;
    const org = await request(t.app.server).get(`/api/orgs/${orgId}`).set('authorization', `Bearer ${res.body.token}`);
    expect(org.body).toMatchObject({ myRole: 'admin', name: 'Les Artefacts' });
  });

  it('takes English, another currency and time zone', async () => {
    const t = await freshInstance();
    const { token } = await printedLink(t);
    const res = await request(t.app.server)
      .post('/api/setup')
      .send({ ...form(token), organisation: { name: 'Maple Co-op', currency: 'CAD', locale: 'en', timeZone: 'America/Toronto' } });
    expect(res.status).toBe(201);
    expect(res.body.me.memberships[0].organisation).toMatchObject({ slug: 'maple-co-op', currency: 'CAD', locale: 'en', timeZone: 'America/Toronto' });
  });

  it('works once: the second use is refused and the first run is over', async () => {
    const t = await freshInstance();
    const { token } = await printedLink(t);
    await request(t.app.server).post('/api/setup').send(form(token)).expect(201);
    const again = await request(t.app.server).post('/api/setup').send({ ...form(token), organisation: { name: 'Takeover' } });
    expect(again.status).toBe(401);
    expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await status(t, token)).body.state).toBe('done');
    expect((await t.db.select({ n: count() }).from(organisations))[0]?.n).toBe(1);
  });

  it('lets exactly one of two simultaneous uses through', async () => {
    const t = await freshInstance();
    const { token } = await printedLink(t);
    const replies = await Promise.all([1, 2].map(() => request(t.app.server).post('/api/setup').send(form(token))));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 401]);
    expect((await t.db.select({ n: count() }).from(organisations))[0]?.n).toBe(1);
  });

  it('is shut to whoever has no link, creating nothing', async () => {
    const t = await freshInstance();
    await printedLink(t);
    const res = await request(t.app.server).post('/api/setup').send(form('y'.repeat(43)));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('setup_link_invalid');
    expect((await t.db.select({ n: count() }).from(organisations))[0]?.n).toBe(0);
    expect((await t.db.select({ n: count() }).from(people))[0]?.n).toBe(0);
  });

  it('is shut once an organisation exists, even with a link issued before it', async () => {
    const t = await freshInstance();
    const { token } = await printedLink(t);
    await t.given.org();
    expect((await status(t, token)).body.state).toBe('done');
    const res = await request(t.app.server).post('/api/setup').send(form(token));
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('already_set_up');
    expect((await t.db.select({ n: count() }).from(memberships))[0]?.n).toBe(0);
  });

  it('names the wrong fields and keeps the link usable', async () => {
    const t = await freshInstance();
    const { token } = await printedLink(t);
    const res = await request(t.app.server)
      .post('/api/setup')
      .send({ token, organisation: { name: ' ', currency: 'euro', locale: 'de', timeZone: 'Mars/Olympus' }, admin: { name: 'Ada', email: 'nope' } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.admin.email', 'body.organisation.currency', 'body.organisation.locale', 'body.organisation.name', 'body.organisation.timeZone',
    ]);
    expect((await status(t, token)).body.state).toBe('ready');
  });
});
