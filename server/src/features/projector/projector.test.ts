import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { CreatedProjectorLink, LiveCloseCode, ProjectorSessionOpened } from '@cagnotte/shared';
import { TEST_ORIGIN, testApp, testApps, type TestContext } from '../../../test/harness.ts';
import type { Member } from '../../../test/given.ts';
import { openLive, refusedLive } from '../../../test/live-client.ts';
import { eventually } from '../../../test/eventually.ts';

let t: TestContext;
let base: string;
beforeAll(async () => {
  t = await testApp();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => t.close());

async function createLink(admin: Member, roundId: string, label?: string): Promise<CreatedProjectorLink & { secret: string }> {
  const res = await request(t.app.server).post(`/api/rounds/${roundId}/projector-links`).set(t.given.authFor(admin)).send(label === undefined ? {} : { label });
  expect(res.status).toBe(201);
  const link = CreatedProjectorLink.parse(res.body);
  return { ...link, secret: link.url.split('#')[1] ?? '' };
}

async function openSession(linkId: string, secret: string) {
  const res = await request(t.app.server).post('/api/projector/session').send({ linkId, secret });
  expect(res.status).toBe(201);
  return { ...ProjectorSessionOpened.parse(res.body), cookie: res.headers['set-cookie']?.[0] ?? '' };
}

describe('projector links', () => {
  it('gives an admin a link whose URL carries the secret in its fragment, stored only hashed', async () => {
    const { admin, round } = await t.given.fundingRound();
    const link = await createLink(admin, round.id, 'Board meeting');
    expect(link).toMatchObject({ roundId: round.id, label: 'Board meeting', revokedAt: null });
    expect(link.url).toBe(`${TEST_ORIGIN}/projector/${link.id}#${link.secret}`);
    expect(link.secret).toMatch(/^[\w-]{43}$/);
    const { rows } = await t.pool.query('SELECT secret_hash FROM projector_links WHERE id = $1', [link.id]);
    expect(rows[0].secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].secret_hash).not.toContain(link.secret);
  });

  it('lists the round’s links without their secrets', async () => {
    const { admin, round } = await t.given.fundingRound();
    const link = await createLink(admin, round.id);
    const res = await request(t.app.server).get(`/api/rounds/${round.id}/projector-links`).set(t.given.authFor(admin));
    expect(res.status).toBe(200);
    expect(res.body).toEqual([{ id: link.id, roundId: round.id, label: '', createdAt: link.createdAt, revokedAt: null }]);
    expect(JSON.stringify(res.body)).not.toContain(link.secret);
  });

  it('lets only admins create, list and revoke links', async () => {
    const { admin, round, members } = await t.given.fundingRound({ members: 1 });
    const member = members[0] as Member;
    const link = await createLink(admin, round.id);
    expect((await request(t.app.server).post(`/api/rounds/${round.id}/projector-links`).set(t.given.authFor(member)).send({})).status).toBe(403);
    expect((await request(t.app.server).get(`/api/rounds/${round.id}/projector-links`).set(t.given.authFor(member))).status).toBe(403);
    expect((await request(t.app.server).delete(`/api/projector-links/${link.id}`).set(t.given.authFor(member))).status).toBe(403);
  });

  it('hides another organisation’s rounds and links (404) and asks to sign in (401)', async () => {
    const { admin, round } = await t.given.fundingRound();
    const link = await createLink(admin, round.id);
    const stranger = await t.given.admin();
    expect((await request(t.app.server).post(`/api/rounds/${round.id}/projector-links`).set(t.given.authFor(stranger)).send({})).status).toBe(404);
    expect((await request(t.app.server).get(`/api/rounds/${round.id}/projector-links`).set(t.given.authFor(stranger))).status).toBe(404);
    expect((await request(t.app.server).delete(`/api/projector-links/${link.id}`).set(t.given.authFor(stranger))).status).toBe(404);
    expect((await request(t.app.server).post(`/api/rounds/${round.id}/projector-links`).send({})).status).toBe(401);
  });

  it('names the field of a label too long', async () => {
    const { admin, round } = await t.given.fundingRound();
    const res = await request(t.app.server).post(`/api/rounds/${round.id}/projector-links`).set(t.given.authFor(admin)).send({ label: 'x'.repeat(201) });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.label');
  });
});

describe('projector sessions', () => {
  it('exchanges the secret for a read-only session, as a cookie and a token, valid 12 hours', async () => {
    const { admin, round } = await t.given.fundingRound();
    const link = await createLink(admin, round.id);
    const session = await openSession(link.id, link.secret);
    expect(session.roundId).toBe(round.id);
    expect(new Date(session.expiresAt).getTime() - t.clock.now().getTime()).toBe(12 * 3_600_000);
    expect(session.cookie).toMatch(/cagnotte_projector=.*HttpOnly.*SameSite=Lax/i);
    const { rows } = await t.pool.query("SELECT kind, person_id FROM sessions WHERE projector_link_id = $1", [link.id]);
    expect(rows).toEqual([{ kind: 'projector', person_id: null }]);
  });

  it('refuses a wrong secret, an unknown link and a revoked one alike', async () => {
    const { admin, round } = await t.given.fundingRound();
    const link = await createLink(admin, round.id);
    const wrong = await request(t.app.server).post('/api/projector/session').send({ linkId: link.id, secret: 'x'.repeat(43) });
    expect(wrong.status).toBe(401);
    const unknown = await request(t.app.server).post('/api/projector/session').send({ linkId: '01970000-0000-7000-8000-000000000000', secret: link.secret });
    expect(unknown.status).toBe(401);
    await request(t.app.server).delete(`/api/projector-links/${link.id}`).set(t.given.authFor(admin)).expect(204);
    expect((await request(t.app.server).post('/api/projector/session').send({ linkId: link.id, secret: link.secret })).status).toBe(401);
  });

  it('reads its round’s board and nothing else', async () => {
    const { admin, round, buckets } = await t.given.fundingRound({ buckets: 2 });
    const otherRound = await t.given.round(admin.organisationId, { phase: 'funding' });
    const link = await createLink(admin, round.id);
    const { token } = await openSession(link.id, link.secret);
    const auth = { authorization: `Bearer ${token}` };

    const board = await request(t.app.server).get(`/api/rounds/${round.id}/board`).set(auth);
    expect(board.status).toBe(200);
    expect(board.body.round.roundId).toBe(round.id);
    expect(board.body.buckets.map((b: { bucketId: string }) => b.bucketId).sort()).toEqual(buckets.map((b) => b.id).sort());

    expect((await request(t.app.server).get(`/api/rounds/${otherRound.id}/board`).set(auth)).status).toBe(404);
    expect((await request(t.app.server).get('/api/auth/me').set(auth)).status).toBe(403);
    expect((await request(t.app.server).get(`/api/rounds/${round.id}/projector-links`).set(auth)).status).toBe(403);
  });

  it('keeps a member signed in who opens a projector link in the same browser', async () => {
    const { admin, round } = await t.given.fundingRound();
    const link = await createLink(admin, round.id);
    const session = await openSession(link.id, link.secret);
    expect(session.cookie).not.toMatch(/cagnotte_session=/);
    const me = await request(t.app.server).get('/api/auth/me').set('Cookie', [`cagnotte_session=${admin.token}`, session.cookie.split(';')[0]!]);
    expect(me.status).toBe(200);
  });

  it('follows its round live with the cookie, without any `me`', async () => {
    const { admin, round } = await t.given.fundingRound();
    const link = await createLink(admin, round.id);
    const { token } = await openSession(link.id, link.secret);
    const live = await openLive(base, round.id, { cookie: `cagnotte_projector=${token}`, origin: TEST_ORIGIN });
    expect((await live.next('snapshot')).round.roundId).toBe(round.id);
    live.socket.send(JSON.stringify({ type: 'ping' }));
    await live.next('pong');
    expect(live.received.map((m) => m.type)).toEqual(['snapshot', 'pong']);
    live.close();
  });

  it('cannot follow another round of the same organisation', async () => {
    const { admin, round } = await t.given.fundingRound();
    const otherRound = await t.given.round(admin.organisationId, { phase: 'funding' });
    const link = await createLink(admin, round.id);
    const { token } = await openSession(link.id, link.secret);
    expect((await refusedLive(base, otherRound.id, { token })).status).toBe(404);
  });

  it('ends when its link is revoked: the socket closes at once and the session stops working', async () => {
    const { admin, round } = await t.given.fundingRound();
    const link = await createLink(admin, round.id);
    const { token } = await openSession(link.id, link.secret);
    const live = await openLive(base, round.id, { token });
    await live.next('snapshot');

    await request(t.app.server).delete(`/api/projector-links/${link.id}`).set(t.given.authFor(admin)).expect(204);

    expect(await live.closed).toEqual({ code: LiveCloseCode.sessionEnded, reason: 'projector link revoked' });
    expect((await request(t.app.server).get(`/api/rounds/${round.id}/board`).set('authorization', `Bearer ${token}`)).status).toBe(401);
    const listed = await request(t.app.server).get(`/api/rounds/${round.id}/projector-links`).set(t.given.authFor(admin));
    expect(listed.body[0].revokedAt).not.toBeNull();
    // Revoking again changes nothing.
    await request(t.app.server).delete(`/api/projector-links/${link.id}`).set(t.given.authFor(admin)).expect(204);
  });
});

describe('projector links across instances', () => {
  it('closes the link’s sockets on every instance when revoked on one', async () => {
    const apps = await testApps(2);
    try {
      const [a, b] = apps.instances as [TestContext, TestContext];
      await a.app.listen({ port: 0, host: '127.0.0.1' });
      const baseB = await b.app.listen({ port: 0, host: '127.0.0.1' });
      await eventually(() => b.app.live.listener.connections() > 0, 'instance B to LISTEN');
      const { admin, round } = await a.given.fundingRound();
      const created = await request(a.app.server).post(`/api/rounds/${round.id}/projector-links`).set(a.given.authFor(admin)).send({});
      const link = CreatedProjectorLink.parse(created.body);
      const opened = await request(a.app.server).post('/api/projector/session').send({ linkId: link.id, secret: link.url.split('#')[1] });
      const live = await openLive(baseB, round.id, { token: opened.body.token });
      await live.next('snapshot');

      await request(a.app.server).delete(`/api/projector-links/${link.id}`).set(a.given.authFor(admin)).expect(204);

      expect((await live.closed).code).toBe(LiveCloseCode.sessionEnded);
    } finally {
      await apps.close();
    }
  });
});
