import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { eq } from 'drizzle-orm';
import { testApp, type TestContext } from '../../../test/harness.ts';
import type { Member } from '../../../test/given.ts';
import { buckets, magicLinks, memberships, outbox, people, sessions } from '../../db/schema.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const erase = (admin: Member, target: Member) =>
  request(t.app.server).post(`/api/orgs/${admin.organisationId}/members/${target.membershipId}/erase`).set(t.given.authFor(admin));

describe('erasing a person’s personal data', () => {
  it('blanks the name and e-mail and keeps the ids', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId, name: 'To Forget' });
    const res = await erase(admin, member);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ membershipId: member.membershipId, personId: member.personId, name: 'Erased member', email: null, erased: true, active: false });
    const [person] = await t.db.select().from(people).where(eq(people.id, member.personId));
    expect(person).toMatchObject({ name: 'Erased member', email: null, erasedAt: t.clock.now() });
  });

  it('leaves the records that point to them in place, now showing the neutral name', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    const round = await t.given.round(admin.organisationId);
    const bucket = await t.given.bucket(round.id, member);
    await erase(admin, member).expect(200);
    const [kept] = await t.db.select().from(buckets).where(eq(buckets.id, bucket.id));
    expect(kept?.createdBy).toBe(member.membershipId);
    const list = await request(t.app.server).get(`/api/orgs/${admin.organisationId}/members?active=false`).set(t.given.authFor(admin));
    expect(list.body.members).toMatchObject([{ membershipId: member.membershipId, name: 'Erased member', email: null, erased: true }]);
  });

  it('revokes their sessions, so their token gets a 401 afterwards', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    await request(t.app.server).get('/api/auth/me').set(t.given.authFor(member)).expect(200);
    await erase(admin, member).expect(200);
    expect((await request(t.app.server).get('/api/auth/me').set(t.given.authFor(member))).status).toBe(401);
    expect((await request(t.app.server).get(`/api/orgs/${admin.organisationId}`).set(t.given.authFor(member))).status).toBe(401);
    const rows = await t.db.select().from(sessions).where(eq(sessions.personId, member.personId));
    expect(rows.every((s) => s.revokedAt !== null)).toBe(true);
  });

  it('removes their unused sign-in links and the e-mails waiting for them', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    await request(t.app.server).post('/api/auth/magic-link').send({ email: member.email }).expect(202);
    await erase(admin, member).expect(200);
    expect(await t.db.select().from(magicLinks).where(eq(magicLinks.personId, member.personId))).toEqual([]);
    expect(await t.db.select().from(outbox).where(eq(outbox.to, member.email))).toEqual([]);
  });

  it('stops at the organisation: another organisation keeps its membership, name, e-mail and the person’s sessions', async () => {
    const orgA = await t.given.admin();
    const victim = await t.given.member({ organisationId: orgA.organisationId, name: 'Victor Victim' });
    const orgB = await t.given.admin();
    const added = await request(t.app.server)
      .post(`/api/orgs/${orgB.organisationId}/members`)
      .set(t.given.authFor(orgB))
      .send({ email: victim.email, name: 'Victor in B' })
      .expect(201);
    const res = await request(t.app.server).post(`/api/orgs/${orgB.organisationId}/members/${added.body.membershipId}/erase`).set(t.given.authFor(orgB));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Erased member', email: null, erased: true, active: false });
    const inA = await request(t.app.server).get(`/api/orgs/${orgA.organisationId}/members`).set(t.given.authFor(orgA));
    expect(inA.body.members.find((m: { membershipId: string }) => m.membershipId === victim.membershipId)).toMatchObject({
      name: 'Victor Victim',
      email: victim.email,
      active: true,
      erased: false,
    });
    expect((await request(t.app.server).get('/api/auth/me').set(t.given.authFor(victim))).status).toBe(200);
    const [person] = await t.db.select().from(people).where(eq(people.id, victim.personId));
    expect(person).toMatchObject({ email: victim.email, erasedAt: null });
  });

  it('ends that membership at once even though the person stays signed in elsewhere', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    await t.given.member({ email: member.email });
    await erase(admin, member).expect(200);
    expect((await request(t.app.server).get(`/api/orgs/${admin.organisationId}/members`).set(t.given.authFor(member))).status).toBe(404);
  });

  it('blanks the person’s identity once their last organisation erases them', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    const otherAdmin = await t.given.admin();
    const elsewhere = await t.given.member({ organisationId: otherAdmin.organisationId, email: member.email });
    await erase(otherAdmin, elsewhere).expect(200);
    const [before] = await t.db.select().from(people).where(eq(people.id, member.personId));
    expect(before?.erasedAt).toBeNull();
    await erase(admin, member).expect(200);
    const [after] = await t.db.select().from(people).where(eq(people.id, member.personId));
    expect(after).toMatchObject({ name: 'Erased member', email: null, erasedAt: t.clock.now() });
  });

  it('lets a person erased here join again as a new membership while they belong elsewhere', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    await t.given.member({ email: member.email });
    await erase(admin, member).expect(200);
    const res = await request(t.app.server).post(`/api/orgs/${admin.organisationId}/members`).set(t.given.authFor(admin)).send({ email: member.email, name: 'Back Again' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ personId: member.personId, name: 'Back Again', erased: false });
    expect(res.body.membershipId).not.toBe(member.membershipId);
  });

  it('keeps the date a former membership ended', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    const path = `/api/orgs/${admin.organisationId}/members/${member.membershipId}`;
    const deactivated = await request(t.app.server).patch(path).set(t.given.authFor(admin)).send({ active: false });
    t.clock.advance(3_600_000);
    const res = await erase(admin, member);
    expect(res.body.deactivatedAt).toBe(deactivated.body.deactivatedAt);
  });

  it('changes nothing when repeated', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    const first = await erase(admin, member);
    t.clock.advance(1000);
    const again = await erase(admin, member);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });

  it('cannot be reactivated afterwards', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    await erase(admin, member).expect(200);
    const res = await request(t.app.server).patch(`/api/orgs/${admin.organisationId}/members/${member.membershipId}`).set(t.given.authFor(admin)).send({ active: true });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('member_erased');
  });

  it('lets the e-mail address join again later as a new person', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    await erase(admin, member).expect(200);
    const res = await request(t.app.server).post(`/api/orgs/${admin.organisationId}/members`).set(t.given.authFor(admin)).send({ email: member.email, name: 'Back Again' });
    expect(res.status).toBe(201);
    expect(res.body.personId).not.toBe(member.personId);
  });

  it('refuses to erase oneself', async () => {
    const admin = await t.given.admin();
    await t.given.admin(admin.organisationId);
    const res = await erase(admin, admin);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('cannot_erase_self');
  });

  it('erases someone who is the sole admin of another organisation, which keeps them', async () => {
    const admin = await t.given.admin();
    const soleAdminElsewhere = await t.given.admin();
    const here = await t.given.member({ organisationId: admin.organisationId, email: soleAdminElsewhere.email });
    expect((await erase(admin, here)).status).toBe(200);
    const [there] = await t.db.select().from(memberships).where(eq(memberships.id, soleAdminElsewhere.membershipId));
    expect(there).toMatchObject({ active: true, role: 'admin', erasedAt: null });
  });

  it('erases an admin when another admin remains', async () => {
    const admin = await t.given.admin();
    const other = await t.given.admin(admin.organisationId);
    expect((await erase(admin, other)).status).toBe(200);
  });

  it('is forbidden to a member who is not an admin', async () => {
    const member = await t.given.member({ role: 'accountant' });
    const target = await t.given.member({ organisationId: member.organisationId });
    expect((await erase(member, target)).status).toBe(403);
  });

  it('is a 404 for a membership of another organisation', async () => {
    const admin = await t.given.admin();
    const stranger = await t.given.member();
    expect((await erase(admin, stranger)).status).toBe(404);
  });

  it('asks an anonymous caller to sign in', async () => {
    const member = await t.given.member();
    const res = await request(t.app.server).post(`/api/orgs/${member.organisationId}/members/${member.membershipId}/erase`);
    expect(res.status).toBe(401);
  });
});
