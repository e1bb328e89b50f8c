import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { testApp, TEST_ORIGIN, type TestContext } from '../../../test/harness.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

async function linkTokenFor(email: string): Promise<string> {
  t.mail.sent.length = 0;
  await request(t.app.server).post('/api/auth/magic-link').send({ email }).expect(202);
  await t.app.jobs.drainMail();
  const mail = t.mail.sent.find((m) => m.to === email);
  const token = mail?.body.match(/#token=([\w-]+)/)?.[1];
  if (!token) throw new Error(`no link mailed to ${email}`);
  return token;
}

describe('sign-in by magic link', () => {
  it('answers 202 to an unknown address and sends nothing', async () => {
    const res = await request(t.app.server).post('/api/auth/magic-link').send({ email: 'nobody@example.org' });
    expect(res.status).toBe(202);
    await t.app.jobs.drainMail();
    expect(t.mail.sent.filter((m) => m.to === 'nobody@example.org')).toHaveLength(0);
  });

  it('mails a member a link whose token opens a session with a cookie and a bearer token', async () => {
    const member = await t.given.member({ email: 'alice@example.org', name: 'Alice' });
    const token = await linkTokenFor('Alice@Example.org'.toLowerCase());
    const res = await request(t.app.server).post('/api/auth/session').send({ token });
    expect(res.status).toBe(201);
    expect(res.body.me.person).toMatchObject({ id: member.personId, name: 'Alice' });
    expect(res.headers['set-cookie']?.[0]).toMatch(/cagnotte_session=.*HttpOnly.*SameSite=Lax/i);
    const me = await request(t.app.server).get('/api/auth/me').set('authorization', `Bearer ${res.body.token}`);
    expect(me.status).toBe(200);
    expect(me.body.memberships).toHaveLength(1);
  });

  it('accepts a link only once', async () => {
    await t.given.member({ email: 'bob@example.org' });
    const token = await linkTokenFor('bob@example.org');
    await request(t.app.server).post('/api/auth/session').send({ token }).expect(201);
    const again = await request(t.app.server).post('/api/auth/session').send({ token });
    expect(again.status).toBe(401);
    expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('refuses a link older than 15 minutes', async () => {
    await t.given.member({ email: 'carol@example.org' });
    const token = await linkTokenFor('carol@example.org');
    t.clock.advance(15 * 60_000 + 1000);
    const res = await request(t.app.server).post('/api/auth/session').send({ token });
    expect(res.status).toBe(401);
  });

  it('names the field when the e-mail is malformed', async () => {
    const res = await request(t.app.server).post('/api/auth/magic-link').send({ email: 'not-an-email' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors[0].path).toBe('body.email');
  });
});

describe('sessions', () => {
  it('signing out revokes the token everywhere', async () => {
    const member = await t.given.member();
    const auth = t.given.authFor(member);
    await request(t.app.server).delete('/api/auth/session').set(auth).expect(204);
    expect((await request(t.app.server).get('/api/auth/me').set(auth)).status).toBe(401);
  });

  it('refuses a token signed with another secret', async () => {
    const res = await request(t.app.server).get('/api/auth/me').set('authorization', 'Bearer eyJhbGciOiJub25lIn0.eyJzaWQiOiJ4In0.');
    expect(res.status).toBe(401);
  });

  it('refuses a cookie-authenticated change from a foreign origin', async () => {
    const member = await t.given.member();
    const cookie = `cagnotte_session=${member.token}`;
    const foreign = await request(t.app.server).delete('/api/auth/session').set('cookie', cookie).set('origin', 'https://evil.example');
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('origin_not_allowed');
    await request(t.app.server).delete('/api/auth/session').set('cookie', cookie).set('origin', TEST_ORIGIN).expect(204);
  });
});

describe('rate limits', () => {
  it('slows down repeated sign-in requests with a 429 problem', async () => {
    const limited = await (await import('../../../test/harness.ts')).testApp({ rateLimit: { signInPerMinute: 2 } });
    try {
      for (let i = 0; i < 2; i++) await request(limited.app.server).post('/api/auth/magic-link').send({ email: 'x@example.org' }).expect(202);
      const res = await request(limited.app.server).post('/api/auth/magic-link').send({ email: 'x@example.org' });
      expect(res.status).toBe(429);
      expect(res.body.code).toBe('rate_limited');
    } finally {
      await limited.close();
    }
  });
});

describe('my language', () => {
  it('follows the organisation until I choose one', async () => {
    const member = await t.given.member();
    const me = await request(t.app.server).get('/api/auth/me').set(t.given.authFor(member));
    expect(me.body.person.locale).toBeNull();
  });

  it('is kept once I choose it, and null goes back to the organisation', async () => {
    const member = await t.given.member();
    const chosen = await request(t.app.server).patch('/api/auth/me').set(t.given.authFor(member)).send({ locale: 'en' });
    expect(chosen.status).toBe(200);
    expect(chosen.body.person.locale).toBe('en');
    expect((await request(t.app.server).get('/api/auth/me').set(t.given.authFor(member))).body.person.locale).toBe('en');
    const reset = await request(t.app.server).patch('/api/auth/me').set(t.given.authFor(member)).send({ locale: null });
    expect(reset.body.person.locale).toBeNull();
  });

  it('refuses a language other than fr or en, naming the field', async () => {
    const member = await t.given.member();
    const res = await request(t.app.server).patch('/api/auth/me').set(t.given.authFor(member)).send({ locale: 'de' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.locale');
  });

  it('asks an anonymous caller to sign in', async () => {
    expect((await request(t.app.server).patch('/api/auth/me').send({ locale: 'en' })).status).toBe(401);
  });
});

describe('the sign-in e-mail', () => {
  async function mailTo(email: string) {
    t.mail.sent.length = 0;
    await request(t.app.server).post('/api/auth/magic-link').send({ email }).expect(202);
    await t.app.jobs.drainMail();
    const mail = t.mail.sent.find((m) => m.to === email);
    if (!mail) throw new Error(`nothing mailed to ${email}`);
    return mail;
  }

  it('is in French for a member of a French organisation', async () => {
    const member = await t.given.member({ organisationId: (await t.given.org({ locale: 'fr' })).id });
    const mail = await mailTo(member.email);
    expect(mail.subject).toBe('Votre lien de connexion à Cagnotte');
    expect(mail.body).toMatch(new RegExp(`^Bonjour ${member.name},`));
    expect(mail.body).toMatch(new RegExp(`${TEST_ORIGIN}/sign-in#token=[\\w-]{43}`));
  });

  it('is in English for a member of an English organisation', async () => {
    const member = await t.given.member({ organisationId: (await t.given.org({ locale: 'en' })).id });
    const mail = await mailTo(member.email);
    expect(mail.subject).toBe('Your Cagnotte sign-in link');
  });

  it('is in the language the person chose, over the organisation’s', async () => {
    const member = await t.given.member({ organisationId: (await t.given.org({ locale: 'fr' })).id });
    await request(t.app.server).patch('/api/auth/me').set(t.given.authFor(member)).send({ locale: 'en' }).expect(200);
    expect((await mailTo(member.email)).subject).toBe('Your Cagnotte sign-in link');
  });

  it('follows the first organisation of someone in several', async () => {
    const first = await t.given.member({ organisationId: (await t.given.org({ locale: 'en' })).id });
    await t.given.member({ email: first.email, organisationId: (await t.given.org({ locale: 'fr' })).id });
    expect((await mailTo(first.email)).subject).toBe('Your Cagnotte sign-in link');
  });
});
