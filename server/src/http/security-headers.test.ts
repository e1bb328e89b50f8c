import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { testApp, type TestContext } from '../../test/harness.ts';

/** What @fastify/helmet sent with our options (taken from a reply of the app before the change). */
const EXPECTED = {
  'content-security-policy':
    "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data: https:;" +
    "object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';connect-src 'self' ws: wss:",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

describe('security headers, computed once', () => {
  let t: TestContext;
  let secure: TestContext;
  beforeAll(async () => {
    t = await testApp();
    secure = await testApp({ secureCookies: true });
  });
  afterAll(async () => {
    await t.close();
    await secure.close();
  });

  it('sends helmet’s headers on a successful reply', async () => {
    const member = await t.given.member();
    const res = await request(t.app.server).get('/api/auth/me').set(t.given.authFor(member)).expect(200);
    expect(res.headers).toMatchObject(EXPECTED);
  });

  it('sends them on refusals and unknown routes too', async () => {
    expect((await request(t.app.server).get('/api/auth/me').expect(401)).headers).toMatchObject(EXPECTED);
    expect((await request(t.app.server).get('/api/nowhere').expect(404)).headers).toMatchObject(EXPECTED);
    expect((await request(t.app.server).put('/api/buckets/not-a-uuid/allocation').send({}).expect(400)).headers).toMatchObject(EXPECTED);
  });

  it('asks browsers to upgrade insecure requests behind https', async () => {
    const res = await request(secure.app.server).get('/api/nowhere').expect(404);
    expect(res.headers['content-security-policy']).toBe(EXPECTED['content-security-policy'].replace("'unsafe-inline';", "'unsafe-inline';upgrade-insecure-requests;"));
  });
});
