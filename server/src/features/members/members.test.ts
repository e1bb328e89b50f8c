import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { and, eq } from 'drizzle-orm';
import { testApp, type TestContext } from '../../../test/harness.ts';
import { ledger, memberships, participants } from '../../db/schema.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const api = () => request(t.app.server);

async function mailsTo(email: string) {
  await t.app.jobs.drainMail();
  return t.mail.sent.filter((m) => m.to === email);
}

describe('listing members', () => {
  it('shows an admin every member by name, with e-mails', async () => {
    const admin = await t.given.member({ role: 'admin', name: 'Zoé Admin' });
    const ada = await t.given.member({ organisationId: admin.organisationId, name: 'Ada', role: 'reviewer' });
    const res = await api().get(`/api/orgs/${admin.organisationId}/members`).set(t.given.authFor(admin));
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.members.map((m: { name: string }) => m.name)).toEqual(['Ada', 'Zoé Admin']);
    expect(res.body.members[0]).toMatchObject({ membershipId: ada.membershipId, personId: ada.personId, email: ada.email, role: 'reviewer', active: true, deactivatedAt: null, erased: false });
  });

  it('filters by role and by active flag', async () => {
    const admin = await t.given.admin();
    const reviewer = await t.given.member({ organisationId: admin.organisationId, role: 'reviewer' });
    const gone = await t.given.member({ organisationId: admin.organisationId });
    await api().patch(`/api/orgs/${admin.organisationId}/members/${gone.membershipId}`).set(t.given.authFor(admin)).send({ active: false }).expect(200);
    const reviewers = await api().get(`/api/orgs/${admin.organisationId}/members?role=reviewer`).set(t.given.authFor(admin));
    expect(reviewers.body.members.map((m: { membershipId: string }) => m.membershipId)).toEqual([reviewer.membershipId]);
    const former = await api().get(`/api/orgs/${admin.organisationId}/members?active=false`).set(t.given.authFor(admin));
    expect(former.body.members.map((m: { membershipId: string }) => m.membershipId)).toEqual([gone.membershipId]);
    const current = await api().get(`/api/orgs/${admin.organisationId}/members?active=true`).set(t.given.authFor(admin));
    expect(current.body.total).toBe(2);
  });

  it('pages with limit and offset, the total counting every match', async () => {
    const admin = await t.given.member({ role: 'admin', name: 'A' });
    await t.given.member({ organisationId: admin.organisationId, name: 'B' });
    await t.given.member({ organisationId: admin.organisationId, name: 'C' });
    const res = await api().get(`/api/orgs/${admin.organisationId}/members?limit=1&offset=1`).set(t.given.authFor(admin));
    expect(res.body.total).toBe(3);
    expect(res.body.members.map((m: { name: string }) => m.name)).toEqual(['B']);
  });

  it('shows an accountant e-mails too', async () => {
    const accountant = await t.given.member({ role: 'accountant' });
    const res = await api().get(`/api/orgs/${accountant.organisationId}/members`).set(t.given.authFor(accountant));
    expect(res.body.members[0].email).toBe(accountant.email);
  });

  it('shows a plain member the active members’ names and roles, without e-mails', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    const gone = await t.given.member({ organisationId: admin.organisationId });
    await api().patch(`/api/orgs/${admin.organisationId}/members/${gone.membershipId}`).set(t.given.authFor(admin)).send({ active: false }).expect(200);
    const res = await api().get(`/api/orgs/${admin.organisationId}/members`).set(t.given.authFor(member));
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    for (const m of res.body.members) expect(m).not.toHaveProperty('email');
    expect(res.body.members.map((m: { role: string }) => m.role).sort()).toEqual(['admin', 'member']);
    const former = await api().get(`/api/orgs/${admin.organisationId}/members?active=false`).set(t.given.authFor(member));
    expect(former.body).toEqual({ members: [], total: 0 });
  });

  it('is a 404 for someone of another organisation', async () => {
    const member = await t.given.member();
    const stranger = await t.given.admin();
    expect((await api().get(`/api/orgs/${member.organisationId}/members`).set(t.given.authFor(stranger))).status).toBe(404);
  });

  it('asks an anonymous caller to sign in', async () => {
    const member = await t.given.member();
    expect((await api().get(`/api/orgs/${member.organisationId}/members`)).status).toBe(401);
  });

  it('names the filter when the role is unknown', async () => {
    const admin = await t.given.admin();
    const res = await api().get(`/api/orgs/${admin.organisationId}/members?role=boss`).set(t.given.authFor(admin));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('querystring.role');
  });
});

describe('adding a member', () => {
  it('creates the person and membership and sends a welcome e-mail in the organisation’s language', async () => {
    const admin = await t.given.admin();
    const res = await api()
      .post(`/api/orgs/${admin.organisationId}/members`)
      .set(t.given.authFor(admin))
      .send({ email: 'New.Person@Example.org', name: 'New Person', role: 'reviewer' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'New Person', email: 'new.person@example.org', role: 'reviewer', active: true, erased: false });
    const [mail] = await mailsTo('new.person@example.org');
    expect(mail?.subject).toMatch(/^Bienvenue dans /);
    expect(mail?.body).toContain('http://cagnotte.test/sign-in');
  });

  it('writes the welcome e-mail in English for an English-speaking organisation', async () => {
    const org = await t.given.org({ locale: 'en' });
    const admin = await t.given.admin(org.id);
    await api().post(`/api/orgs/${org.id}/members`).set(t.given.authFor(admin)).send({ email: 'eng@example.org', name: 'Eng' }).expect(201);
    const [mail] = await mailsTo('eng@example.org');
    expect(mail?.subject).toBe(`Welcome to ${org.name} on Cagnotte`);
  });

  it('defaults the role to member', async () => {
    const admin = await t.given.admin();
    const res = await api().post(`/api/orgs/${admin.organisationId}/members`).set(t.given.authFor(admin)).send({ email: 'plain@example.org', name: 'Plain' });
    expect(res.body.role).toBe('member');
  });

  it('reuses a person known from another organisation by e-mail, whatever its case', async () => {
    const elsewhere = await t.given.member({ email: 'known@example.org', name: 'Known Name' });
    const admin = await t.given.admin();
    const res = await api().post(`/api/orgs/${admin.organisationId}/members`).set(t.given.authFor(admin)).send({ email: 'KNOWN@example.org', name: 'Another Name' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ personId: elsewhere.personId, email: 'known@example.org' });
  });

  it('reveals nothing another organisation recorded: the name shown is the one this admin gave', async () => {
    const elsewhere = await t.given.member({ email: 'victor@example.org', name: 'Victor Victim' });
    const admin = await t.given.admin();
    const res = await api().post(`/api/orgs/${admin.organisationId}/members`).set(t.given.authFor(admin)).send({ email: 'victor@example.org', name: 'V. from B' });
    expect(res.body.name).toBe('V. from B');
    const list = await api().get(`/api/orgs/${admin.organisationId}/members`).set(t.given.authFor(admin));
    expect(JSON.stringify(list.body)).not.toContain('Victor Victim');
    const theirs = await api().get(`/api/orgs/${elsewhere.organisationId}/members`).set(t.given.authFor(await t.given.admin(elsewhere.organisationId)));
    expect(theirs.body.members.find((m: { personId: string }) => m.personId === elsewhere.personId)?.name).toBe('Victor Victim');
  });

  it('refuses someone already a member with already_member', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    const res = await api().post(`/api/orgs/${admin.organisationId}/members`).set(t.given.authFor(admin)).send({ email: member.email, name: 'Again' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'already_member', membershipId: member.membershipId });
  });

  it('points to reactivation for a former member with membership_inactive', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    await api().patch(`/api/orgs/${admin.organisationId}/members/${member.membershipId}`).set(t.given.authFor(admin)).send({ active: false }).expect(200);
    const res = await api().post(`/api/orgs/${admin.organisationId}/members`).set(t.given.authFor(admin)).send({ email: member.email, name: 'Again' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'membership_inactive', membershipId: member.membershipId });
  });

  it('gives the newcomer their allowance in the rounds now funding', async () => {
    const { admin, round } = await t.given.fundingRound({ members: 1, round: { defaultAllowanceCents: 43_000 } });
    const res = await api().post(`/api/orgs/${admin.organisationId}/members`).set(t.given.authFor(admin)).send({ email: 'late@example.org', name: 'Late' });
    const [participant] = await t.db.select().from(participants).where(and(eq(participants.roundId, round.id), eq(participants.membershipId, res.body.membershipId)));
    expect(participant?.allowanceCents).toBe(43_000);
    const grants = await t.db.select().from(ledger).where(eq(ledger.participantId, participant?.id ?? ''));
    expect(grants).toMatchObject([{ kind: 'grant', deltaCents: 43_000, enteredBy: admin.membershipId }]);
  });

  it('gives nothing in rounds that are not funding', async () => {
    const admin = await t.given.admin();
    await t.given.round(admin.organisationId, { phase: 'proposals' });
    const res = await api().post(`/api/orgs/${admin.organisationId}/members`).set(t.given.authFor(admin)).send({ email: 'early@example.org', name: 'Early' });
    expect(await t.db.select().from(participants).where(eq(participants.membershipId, res.body.membershipId))).toEqual([]);
  });

  it('names the field when the e-mail is malformed', async () => {
    const admin = await t.given.admin();
    const res = await api().post(`/api/orgs/${admin.organisationId}/members`).set(t.given.authFor(admin)).send({ email: 'nope', name: 'Nope' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.email');
  });

  it('is forbidden to a reviewer', async () => {
    const reviewer = await t.given.member({ role: 'reviewer' });
    const res = await api().post(`/api/orgs/${reviewer.organisationId}/members`).set(t.given.authFor(reviewer)).send({ email: 'x@example.org', name: 'X' });
    expect(res.status).toBe(403);
  });

  it('is a 404 for an admin of another organisation', async () => {
    const member = await t.given.member();
    const otherAdmin = await t.given.admin();
    const res = await api().post(`/api/orgs/${member.organisationId}/members`).set(t.given.authFor(otherAdmin)).send({ email: 'x@example.org', name: 'X' });
    expect(res.status).toBe(404);
  });

  it('asks an anonymous caller to sign in', async () => {
    const member = await t.given.member();
    expect((await api().post(`/api/orgs/${member.organisationId}/members`).send({ email: 'x@example.org', name: 'X' })).status).toBe(401);
  });
});

describe('changing a membership', () => {
  it('lets an admin change a role', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    const res = await api().patch(`/api/orgs/${admin.organisationId}/members/${member.membershipId}`).set(t.given.authFor(admin)).send({ role: 'accountant' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ membershipId: member.membershipId, role: 'accountant', active: true });
  });

  it('deactivates a member, who at once gets a 404 on the organisation’s routes', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    await api().get(`/api/orgs/${admin.organisationId}`).set(t.given.authFor(member)).expect(200);
    const res = await api().patch(`/api/orgs/${admin.organisationId}/members/${member.membershipId}`).set(t.given.authFor(admin)).send({ active: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ active: false, deactivatedAt: t.clock.now().toISOString() });
    expect((await api().get(`/api/orgs/${admin.organisationId}`).set(t.given.authFor(member))).status).toBe(404);
    expect((await api().get(`/api/orgs/${admin.organisationId}/members`).set(t.given.authFor(member))).status).toBe(404);
  });

  it('keeps the membership and its history when deactivating', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    await api().patch(`/api/orgs/${admin.organisationId}/members/${member.membershipId}`).set(t.given.authFor(admin)).send({ active: false }).expect(200);
    const [row] = await t.db.select().from(memberships).where(eq(memberships.id, member.membershipId));
    expect(row).toMatchObject({ personId: member.personId, active: false });
  });

  it('reactivates a former member, who gets access back', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    const path = `/api/orgs/${admin.organisationId}/members/${member.membershipId}`;
    await api().patch(path).set(t.given.authFor(admin)).send({ active: false }).expect(200);
    const res = await api().patch(path).set(t.given.authFor(admin)).send({ active: true });
    expect(res.body).toMatchObject({ active: true, deactivatedAt: null });
    expect((await api().get(`/api/orgs/${admin.organisationId}`).set(t.given.authFor(member))).status).toBe(200);
  });

  it('gives a reactivated member their allowance in a round that opened funding while they were away', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    const path = `/api/orgs/${admin.organisationId}/members/${member.membershipId}`;
    await api().patch(path).set(t.given.authFor(admin)).send({ active: false }).expect(200);
    const round = await t.given.round(admin.organisationId, { phase: 'funding', defaultAllowanceCents: 10_000 });
    await api().patch(path).set(t.given.authFor(admin)).send({ active: true }).expect(200);
    const [participant] = await t.db.select().from(participants).where(and(eq(participants.roundId, round.id), eq(participants.membershipId, member.membershipId)));
    expect(participant?.allowanceCents).toBe(10_000);
  });

  it('refuses to demote the last active admin with last_admin', async () => {
    const admin = await t.given.admin();
    const res = await api().patch(`/api/orgs/${admin.organisationId}/members/${admin.membershipId}`).set(t.given.authFor(admin)).send({ role: 'member' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('last_admin');
  });

  it('refuses to deactivate the last active admin with last_admin', async () => {
    const admin = await t.given.admin();
    const res = await api().patch(`/api/orgs/${admin.organisationId}/members/${admin.membershipId}`).set(t.given.authFor(admin)).send({ active: false });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('last_admin');
  });

  it('does not count a deactivated admin as another admin', async () => {
    const admin = await t.given.admin();
    const other = await t.given.admin(admin.organisationId);
    await api().patch(`/api/orgs/${admin.organisationId}/members/${other.membershipId}`).set(t.given.authFor(admin)).send({ active: false }).expect(200);
    const res = await api().patch(`/api/orgs/${admin.organisationId}/members/${admin.membershipId}`).set(t.given.authFor(admin)).send({ role: 'member' });
    expect(res.body.code).toBe('last_admin');
  });

  it('lets an admin step down when another admin remains', async () => {
    const admin = await t.given.admin();
    await t.given.admin(admin.organisationId);
    const res = await api().patch(`/api/orgs/${admin.organisationId}/members/${admin.membershipId}`).set(t.given.authFor(admin)).send({ role: 'member' });
    expect(res.status).toBe(200);
    expect((await api().patch(`/api/orgs/${admin.organisationId}`).set(t.given.authFor(admin)).send({ name: 'X' })).status).toBe(403);
  });

  it('lets only one of two admins demoting each other at the same time succeed', async () => {
    const a = await t.given.admin();
    const b = await t.given.admin(a.organisationId);
    const results = await Promise.all([
      api().patch(`/api/orgs/${a.organisationId}/members/${b.membershipId}`).set(t.given.authFor(a)).send({ role: 'member' }),
      api().patch(`/api/orgs/${a.organisationId}/members/${a.membershipId}`).set(t.given.authFor(b)).send({ role: 'member' }),
    ]);
    // The loser is refused either by the last-admin rule or, once demoted, by the role check.
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const admins = await t.db.select().from(memberships).where(and(eq(memberships.organisationId, a.organisationId), eq(memberships.role, 'admin')));
    expect(admins).toHaveLength(1);
  });

  it('is a 404 for a membership of another organisation', async () => {
    const admin = await t.given.admin();
    const stranger = await t.given.member();
    const res = await api().patch(`/api/orgs/${admin.organisationId}/members/${stranger.membershipId}`).set(t.given.authFor(admin)).send({ role: 'reviewer' });
    expect(res.status).toBe(404);
  });

  it('is a 404 for an admin of another organisation', async () => {
    const member = await t.given.member();
    const otherAdmin = await t.given.admin();
    const res = await api().patch(`/api/orgs/${member.organisationId}/members/${member.membershipId}`).set(t.given.authFor(otherAdmin)).send({ active: false });
    expect(res.status).toBe(404);
  });

  it('is forbidden to a plain member', async () => {
    const member = await t.given.member();
    const res = await api().patch(`/api/orgs/${member.organisationId}/members/${member.membershipId}`).set(t.given.authFor(member)).send({ role: 'admin' });
    expect(res.status).toBe(403);
  });

  it('asks an anonymous caller to sign in', async () => {
    const member = await t.given.member();
    expect((await api().patch(`/api/orgs/${member.organisationId}/members/${member.membershipId}`).send({ active: false })).status).toBe(401);
  });

  it('names the field when the role is unknown', async () => {
    const admin = await t.given.admin();
    const res = await api().patch(`/api/orgs/${admin.organisationId}/members/${admin.membershipId}`).set(t.given.authFor(admin)).send({ role: 'boss' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.role');
  });
});
