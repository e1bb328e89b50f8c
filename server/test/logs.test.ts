import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { appConfigFrom } from '../src/bootstrap.ts';
import { readEnv } from '../src/config.ts';
import { openLive } from './live-client.ts';
import { testApp, TEST_ORIGIN, type TestContext } from './harness.ts';

/**
 * What an operator's log holds after a busy day must not let anyone sign in as somebody: no
 * session token, cookie, sign-in link, projector secret or live ticket, whatever route saw it.
 * The app runs with the configuration production derives from its environment (NODE_ENV=production,
 * the default log level, SMTP configured: mail goes to a transport), its log captured. Without
 * SMTP the links are written to the log on purpose (the README says so); not here.
 */
const lines: string[] = [];
const capture = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  },
});

const SECRET = 'log-test-secret-log-test-secret-log-test-secret';
let t: TestContext;
let base: string;
/** Every credential the scenario handled. */
const secrets = new Map<string, string>();

beforeAll(async () => {
  const env = readEnv({ NODE_ENV: 'production', PUBLIC_URL: TEST_ORIGIN, SESSION_SECRET: SECRET, SMTP_URL: 'smtp://mail.cagnotte.test' });
  const { clientDir: _clientDir, ...production } = appConfigFrom(env, new TextEncoder().encode(SECRET), 3000);
  expect(production).toMatchObject({ logLevel: 'info', logMagicLinks: false });
  t = await testApp({ ...production, rateLimit: { signInPerMinute: 100 } }, { logStream: capture });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  secrets.set('session secret', SECRET);
  await scenario();
}, 60_000);
afterAll(() => t.close());

const keep = (name: string, value: string | undefined) => {
  if (!value) throw new Error(`the scenario found no ${name}`);
  secrets.set(name, value);
  return value;
};

async function signIn(email: string, name: string) {
  await request(t.app.server).post('/api/auth/magic-link').send({ email }).expect(202);
  await t.app.jobs.drainMail();
  const body = t.mail.sent.filter((m) => m.to === email).at(-1)?.body ?? '';
  keep(`${name}'s sign-in link`, body.match(/https?:\/\/\S+#token=[\w-]+/)?.[0]);
  const token = keep(`${name}'s link token`, body.match(/#token=([\w-]+)/)?.[1]);
  const res = await request(t.app.server).post('/api/auth/session').send({ token }).expect(201);
  const cookie = keep(`${name}'s cookie`, (res.headers['set-cookie'] as unknown as string[] | undefined)?.[0]?.split(';')[0]);
  const jwt = keep(`${name}'s session token`, res.body.token);
  keep(`${name}'s token signature`, jwt.split('.')[2]);
  return { jwt, cookie };
}

/** Sign-in, cookie and bearer sessions, a round from draft to funding, allocations, the projector, live, exports, sign-out. */
async function scenario() {
  const admin = await t.given.admin();
  const member = await t.given.member({ organisationId: admin.organisationId });
  const staff = await signIn(admin.email, 'admin');
  const voter = await signIn(member.email, 'member');
  const asAdmin = { authorization: `Bearer ${staff.jwt}` };
  const withCookie = { cookie: voter.cookie, origin: TEST_ORIGIN };

  const round = await request(t.app.server).post(`/api/orgs/${admin.organisationId}/rounds`).set(asAdmin).send({ title: 'Budget 2027', currency: 'EUR', defaultAllowanceCents: 10_000 }).expect(201);
  const roundId: string = round.body.id;
  await request(t.app.server).post(`/api/rounds/${roundId}/phase`).set(asAdmin).send({ phase: 'proposals' }).expect(200);
  const bucket = await request(t.app.server)
    .post(`/api/rounds/${roundId}/buckets`)
    .set(withCookie)
    .send({ title: 'Benches', budgetLines: [{ label: 'Wood', amountCents: 20_000, essential: true }] })
    .expect(201);
  const bucketId: string = bucket.body.id;
  await request(t.app.server).post(`/api/buckets/${bucketId}/propose`).set(withCookie).expect(200);
  await request(t.app.server).post(`/api/rounds/${roundId}/phase`).set(asAdmin).send({ phase: 'funding' }).expect(200);
  await request(t.app.server).put(`/api/buckets/${bucketId}/allocation`).set(withCookie).set('idempotency-key', 'vote-1').send({ amountCents: 4_000 }).expect(200);
  await request(t.app.server).put(`/api/buckets/${bucketId}/allocation`).set(withCookie).set('idempotency-key', 'vote-1').send({ amountCents: 4_000 }).expect(200);
  await request(t.app.server).put(`/api/buckets/${bucketId}/allocation`).set(asAdmin).send({ amountCents: 99_000_000 }).expect(409);
  await request(t.app.server).get('/api/auth/me').set('authorization', `Bearer ${staff.jwt}x`).expect(401);

  const link = await request(t.app.server).post(`/api/rounds/${roundId}/projector-links`).set(asAdmin).send({ label: 'Hall' }).expect(201);
  keep('projector link URL', link.body.url);
  const projectorSecret = keep('projector secret', String(link.body.url).split('#')[1]);
  const projector = await request(t.app.server).post('/api/projector/session').send({ linkId: link.body.id, secret: projectorSecret }).expect(201);
  const projectorJwt = keep('projector session token', projector.body.token);
  const projectorCookie = keep('projector cookie', (projector.headers['set-cookie'] as unknown as string[] | undefined)?.[0]?.split(';')[0]);
  await request(t.app.server).get(`/api/rounds/${roundId}/board`).set('cookie', projectorCookie).expect(200);
  const onScreen = await openLive(base, roundId, { token: projectorJwt });
  await onScreen.next('snapshot');
  onScreen.close();

  const ticket = await request(t.app.server).post(`/api/rounds/${roundId}/live-ticket`).set(withCookie).expect(201);
  const live = await openLive(base, roundId, { ticket: keep('live ticket', ticket.body.ticket) });
  await live.next('snapshot');
  live.close();

  for (const file of ['buckets.csv', 'members.csv', 'ledger.csv', 'round.xlsx', 'reconciliation']) {
    await request(t.app.server).get(`/api/rounds/${roundId}/exports/${file}`).set(asAdmin).expect(200);
  }
  await request(t.app.server).post(`/api/rounds/${roundId}/close`).set(asAdmin).expect(200);
  await request(t.app.server).delete('/api/auth/session').set(withCookie).expect(204);
  await t.close();
  t.close = async () => undefined;
}

describe('the production log after a full scenario', () => {
  it('logged each request once, as a JSON line with its request id, what was asked, the status and the time', () => {
    type Entry = { reqId?: string; msg?: string; req?: { method?: string; url?: string }; res?: { statusCode?: number }; responseTime?: number };
    const parsed = lines.map((line) => JSON.parse(line) as Entry);
    const requests = parsed.filter((entry) => entry.msg === 'request completed');
    expect(requests.length).toBeGreaterThan(20);
    for (const entry of requests) {
      expect(entry).toMatchObject({ reqId: expect.any(String), req: { method: expect.any(String), url: expect.stringMatching(/^\//) }, res: { statusCode: expect.any(Number) }, responseTime: expect.any(Number) });
    }
    expect(new Set(requests.map((entry) => entry.reqId)).size).toBe(requests.length);
    expect(requests.map((entry) => `${entry.req?.method} ${entry.req?.url} ${entry.res?.statusCode}`)).toContain('DELETE /api/auth/session 204');
    expect(parsed.filter((entry) => entry.msg === 'incoming request')).toEqual([]);
  });

  it('holds no session token, cookie, sign-in link, projector secret or live ticket', () => {
    const log = lines.join('\n');
    const found = [...secrets].filter(([, value]) => log.includes(value)).map(([name]) => name);
    expect(found).toEqual([]);
  });

  it('names no sign-in link even in part', () => {
    expect(lines.filter((line) => /#token=|\/sign-in#|\/projector\/[\w-]+#/.test(line))).toEqual([]);
  });
});
