import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { LiveCloseCode } from '@cagnotte/shared';
import { memberships, people, sessions } from '../src/db/schema.ts';
import { openLive, refusedLive } from './live-client.ts';
import { testApp, testConfig, type TestContext } from './harness.ts';
import type { Member } from './given.ts';

/**
 * Every way a session token can be wrong, over HTTP and over the live socket; and the sign-in
 * links that mint them. Already proven elsewhere, not repeated here: a link works once and not
 * after 15 minutes, a token of another secret, sign-out, the Origin check and the 429 of the
 * link request (`features/auth/auth.test.ts`); live tickets (`features/live/live.test.ts`);
 * revoked projector links (`features/projector/projector.test.ts`).
 */

let t: TestContext;
let base: string;
beforeAll(async () => {
  t = await testApp();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => t.close());

const secret = testConfig().sessionSecret;
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sid: string; sub: string; exp: number; iat: number; aud: string; iss: string };

/** A token exactly like ours, but for what `change` says. */
async function forged(member: Member, change: { alg?: string; aud?: string; iss?: string; expInSeconds?: number; key?: Uint8Array }): Promise<string> {
  const claims = claimsOf(member.token);
  const nowSeconds = Math.floor(Date.now() / 1000);
  return new SignJWT({ sid: claims.sid })
    .setProtectedHeader({ alg: change.alg ?? 'HS256' })
    .setSubject(claims.sub)
    .setIssuer(change.iss ?? claims.iss)
    .setAudience(change.aud ?? claims.aud)
    .setIssuedAt(nowSeconds - 120)
    .setExpirationTime(nowSeconds + (change.expInSeconds ?? 3600))
    .sign(change.key ?? secret);
}

/** The wrong tokens: each names the defect, and each is built on a live session row. */
const WRONG_TOKENS: [string, (member: Member) => Promise<string>][] = [
  ['expired', (m) => forged(m, { expInSeconds: -60 })],
  ['signed for another audience', (m) => forged(m, { aud: 'another-api' })],
  ['signed by another issuer', (m) => forged(m, { iss: 'someone-else' })],
  ['signed with another HMAC than the pinned HS256', (m) => forged(m, { alg: 'HS512' })],
  ['unsigned (`alg: none`)', async (m) => `${b64({ alg: 'none', typ: 'JWT' })}.${m.token.split('.')[1]}.`],
  [
    'tampered (another person’s id in a validly shaped payload, the old signature kept)',
    async (m) => {
      const [header, payload, signature] = m.token.split('.');
      const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
      const other = await t.given.member({ organisationId: m.organisationId, role: 'admin' });
      return `${header}.${b64({ ...claims, sub: other.personId, sid: claimsOf(other.token).sid })}.${signature}`;
    },
  ],
  ['truncated', async (m) => m.token.slice(0, -4)],
  ['garbage', async () => 'not.a.token'],
];

describe('a wrong session token', () => {
  it.each(WRONG_TOKENS)('%s is refused over HTTP, as a bearer and as a cookie', async (_name, make) => {
    const { round, members } = await t.given.fundingRound({ members: 1 });
    const member = members[0] as Member;
    const token = await make(member);
    const bearer = await request(t.app.server).get(`/api/rounds/${round.id}`).set('authorization', `Bearer ${token}`);
    expect(bearer.status).toBe(401);
    expect(bearer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(bearer.body.code).toBe('unauthenticated');
    const cookie = await request(t.app.server).get('/api/auth/me').set('cookie', `cagnotte_session=${token}`);
    expect(cookie.status).toBe(401);
    // The genuine token still works: the refusal is about the token, not the session.
    await request(t.app.server).get(`/api/rounds/${round.id}`).set(t.given.authFor(member)).expect(200);
  });

  it.each(WRONG_TOKENS)('%s cannot open the live socket', async (_name, make) => {
    const { round, members } = await t.given.fundingRound({ members: 1 });
    const refused = await refusedLive(base, round.id, { token: await make(members[0] as Member) });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('unauthenticated');
  });
});

describe('a session that ended', () => {
  const endings: [string, (member: Member) => Promise<void>][] = [
    ['revoked', async (m) => void (await t.db.update(sessions).set({ revokedAt: t.clock.now() }).where(eq(sessions.id, claimsOf(m.token).sid)))],
    ['past its expiry in the database', async (m) => void (await t.db.update(sessions).set({ expiresAt: new Date(t.clock.now().getTime() - 1000) }).where(eq(sessions.id, claimsOf(m.token).sid)))],
    ['of a person since erased', async (m) => void (await t.db.update(people).set({ erasedAt: t.clock.now(), name: 'Erased member', email: null }).where(eq(people.id, m.personId)))],
  ];

  it.each(endings)('%s: its token is refused over HTTP although the signature is good', async (name, end) => {
    const { round, members } = await t.given.fundingRound({ members: 1 });
    const member = members[0] as Member;
    await request(t.app.server).get('/api/auth/me').set(t.given.authFor(member)).expect(200);
    await end(member);
    expect((await request(t.app.server).get('/api/auth/me').set(t.given.authFor(member))).status).toBe(401);
    if (name !== 'of a person since erased') expect((await request(t.app.server).get(`/api/rounds/${round.id}`).set(t.given.authFor(member))).status).toBe(401);
  });

  it.each(endings.slice(0, 2))('%s: it cannot open the live socket', async (_name, end) => {
    const { round, members } = await t.given.fundingRound({ members: 1 });
    const member = members[0] as Member;
    await end(member);
    expect((await refusedLive(base, round.id, { token: member.token })).status).toBe(401);
  });

  it('closes a socket already open once its session is signed out', async () => {
    const { round, members } = await t.given.fundingRound({ members: 1 });
    const member = members[0] as Member;
    const live = await openLive(base, round.id, { token: member.token });
    await live.next('snapshot');
    await request(t.app.server).delete('/api/auth/session').set(t.given.authFor(member)).expect(204);
    await t.app.live.sweep();
    expect((await live.closed).code).toBe(LiveCloseCode.sessionEnded);
  });
});

describe('a deactivated member', () => {
  async function deactivated() {
    const { admin, round, members } = await t.given.fundingRound({ members: 1 });
    const member = members[0] as Member;
    const res = await request(t.app.server).patch(`/api/orgs/${admin.organisationId}/members/${member.membershipId}`).set(t.given.authFor(admin)).send({ active: false });
    expect(res.status).toBe(200);
    return { admin, round, member };
  }

  it('loses the organisation at once: its data is a 404, their sign-in stays but lists it no more', async () => {
    const { admin, round, member } = await deactivated();
    expect((await request(t.app.server).get(`/api/rounds/${round.id}`).set(t.given.authFor(member))).status).toBe(404);
    expect((await request(t.app.server).get(`/api/orgs/${admin.organisationId}/members`).set(t.given.authFor(member))).status).toBe(404);
    const me = await request(t.app.server).get('/api/auth/me').set(t.given.authFor(member));
    expect(me.body.memberships.map((m: { organisation: { id: string } }) => m.organisation.id)).not.toContain(admin.organisationId);
  });

  it('cannot open the live socket, with a token or with a ticket taken before', async () => {
    const { round, members } = await t.given.fundingRound({ members: 1 });
    const member = members[0] as Member;
    const ticket = await request(t.app.server).post(`/api/rounds/${round.id}/live-ticket`).set(t.given.authFor(member)).expect(201);
    await t.db.update(memberships).set({ active: false }).where(eq(memberships.id, member.membershipId));
    expect((await refusedLive(base, round.id, { token: member.token })).status).toBe(404);
    expect((await refusedLive(base, round.id, { ticket: ticket.body.ticket })).status).toBe(404);
  });

  it('has a socket already open closed', async () => {
    const { round, members, admin } = await t.given.fundingRound({ members: 1 });
    const member = members[0] as Member;
    const live = await openLive(base, round.id, { token: member.token });
    await live.next('snapshot');
    await request(t.app.server).patch(`/api/orgs/${admin.organisationId}/members/${member.membershipId}`).set(t.given.authFor(admin)).send({ active: false }).expect(200);
    await t.app.live.sweep();
    expect((await live.closed).code).toBe(LiveCloseCode.sessionEnded);
  });

  it('gets no sign-in link, with the very same reply as anyone', async () => {
    const { member } = await deactivated();
    t.mail.sent.length = 0;
    const res = await request(t.app.server).post('/api/auth/magic-link').send({ email: member.email });
    expect(res.status).toBe(202);
    await t.app.jobs.drainMail();
    expect(t.mail.sent.filter((m) => m.to === member.email)).toEqual([]);
  });
});

describe('sign-in links', () => {
  async function linkToken(email: string): Promise<string> {
    t.mail.sent.length = 0;
    await request(t.app.server).post('/api/auth/magic-link').send({ email }).expect(202);
    await t.app.jobs.drainMail();
    const token = t.mail.sent.find((m) => m.to === email)?.body.match(/#token=([\w-]+)/)?.[1];
    if (!token) throw new Error(`no link mailed to ${email}`);
    return token;
  }

  it('open one session only, even when redeemed twice at the same moment', async () => {
    const member = await t.given.member();
    const token = await linkToken(member.email);
    const replies = await Promise.all([1, 2, 3].map(() => request(t.app.server).post('/api/auth/session').send({ token })));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 401, 401]);
    const { rows } = await t.pool.query("SELECT count(*)::int AS n FROM sessions WHERE person_id = $1 AND kind = 'member'", [member.personId]);
    expect(rows[0].n).toBe(2); // the builder's own session, and the one the link opened
  });

  it('still work at 14 minutes 59 seconds, and not at 15 minutes', async () => {
    const first = await t.given.member();
    const early = await linkToken(first.email);
    t.clock.advance(15 * 60_000 - 1000);
    await request(t.app.server).post('/api/auth/session').send({ token: early }).expect(201);
    const second = await t.given.member();
    const late = await linkToken(second.email);
    t.clock.advance(15 * 60_000);
    expect((await request(t.app.server).post('/api/auth/session').send({ token: late })).status).toBe(401);
  });

  it('an unknown token and a used one get the same refusal', async () => {
    const member = await t.given.member();
    const token = await linkToken(member.email);
    await request(t.app.server).post('/api/auth/session').send({ token }).expect(201);
    const used = await request(t.app.server).post('/api/auth/session').send({ token });
    const unknown = await request(t.app.server).post('/api/auth/session').send({ token: 'A'.repeat(43) });
    expect(used.status).toBe(401);
    expect(strip(used)).toEqual(strip(unknown));
  });

  it('answer a known, an unknown, a deactivated and an erased address alike', async () => {
    const known = await t.given.member();
    const gone = await t.given.member();
    await t.db.update(memberships).set({ active: false }).where(eq(memberships.id, gone.membershipId));
    const erased = await t.given.member();
    await t.db.update(people).set({ erasedAt: t.clock.now(), name: 'Erased member', email: null }).where(eq(people.id, erased.personId));
    const replies = await Promise.all(
      [known.email, `nobody-${known.personId}@example.org`, gone.email, erased.email].map((email) => request(t.app.server).post('/api/auth/magic-link').send({ email })),
    );
    const [first, ...others] = replies.map(strip);
    for (const other of others) expect(other).toEqual(first);
  });
});

describe('rate limits on signing in', () => {
  it('limit link requests and link redemptions per client, whatever the address or token', async () => {
    const limited = await testApp({ rateLimit: { signInPerMinute: 3 } });
    try {
      const emails = ['a@example.org', 'b@example.org', 'c@example.org', 'd@example.org'];
      const statuses = [];
      for (const email of emails) statuses.push((await request(limited.app.server).post('/api/auth/magic-link').send({ email })).status);
      expect(statuses).toEqual([202, 202, 202, 429]);

      const guesses = [];
      for (let i = 0; i < 4; i++) guesses.push(await request(limited.app.server).post('/api/auth/session').send({ token: `${'g'.repeat(40)}${i}00` }));
      expect(guesses.map((r) => r.status)).toEqual([401, 401, 401, 429]);
      const last = guesses[3];
      expect(last?.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(last?.body.code).toBe('rate_limited');
      expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

/** A reply without what differs on every request anyway (its id, its date). */
function strip(res: request.Response) {
  const { requestId: _requestId, ...body } = res.body as Record<string, unknown>;
  const headers = Object.fromEntries(Object.entries(res.headers).filter(([name]) => !['date', 'x-request-id', 'content-length', 'x-ratelimit-remaining', 'x-ratelimit-reset'].includes(name)));
  return { status: res.status, body, headers, length: res.text.length - (typeof _requestId === 'string' ? _requestId.length : 0) };
}
