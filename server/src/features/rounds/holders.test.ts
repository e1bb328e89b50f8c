import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { and, eq } from 'drizzle-orm';
import { testApp, type TestContext } from '../../../test/harness.ts';
import type { Member } from '../../../test/given.ts';
import { ledger, memberships, participants } from '../../db/schema.ts';
import { newBucket } from '../../../test/bucket-helpers.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const api = () => request(t.app.server);

async function allowanceOf(roundId: string, membershipId: string): Promise<number | null> {
  const [row] = await t.db.select().from(participants).where(and(eq(participants.roundId, roundId), eq(participants.membershipId, membershipId)));
  return row?.allowanceCents ?? null;
}

const mark = (member: Member, eligible: boolean) => t.db.update(memberships).set({ eligible }).where(eq(memberships.id, member.membershipId));

/** An organisation with staff and members, some marked eligible, and a round in proposals. */
async function cooperative(allowanceHolders: 'all_members' | 'eligible_members') {
  const admin = await t.given.admin();
  const org = admin.organisationId;
  await mark(admin, false);
  const people = {
    admin,
    eligibleAdmin: await t.given.member({ organisationId: org, role: 'admin' }),
    reviewer: await t.given.member({ organisationId: org, role: 'reviewer' }),
    eligibleAccountant: await t.given.member({ organisationId: org, role: 'accountant' }),
    member: await t.given.member({ organisationId: org }),
    eligibleMember: await t.given.member({ organisationId: org }),
  };
  await mark(people.eligibleAdmin, true);
  await mark(people.eligibleAccountant, true);
  await mark(people.eligibleMember, true);
  const round = await t.given.round(org, { phase: 'proposals', defaultAllowanceCents: 43_000, allowanceHolders });
  const openFunding = () => api().post(`/api/rounds/${round.id}/phase`).set(t.given.authFor(admin)).send({ phase: 'funding' }).expect(200);
  return { ...people, round, openFunding };
}

describe('who holds an allowance when funding opens', () => {
  it('all members: every member, and staff only when marked eligible', async () => {
    const c = await cooperative('all_members');
    await c.openFunding();
    expect(await allowanceOf(c.round.id, c.member.membershipId)).toBe(43_000);
    expect(await allowanceOf(c.round.id, c.eligibleMember.membershipId)).toBe(43_000);
    expect(await allowanceOf(c.round.id, c.eligibleAdmin.membershipId)).toBe(43_000);
    expect(await allowanceOf(c.round.id, c.eligibleAccountant.membershipId)).toBe(43_000);
    expect(await allowanceOf(c.round.id, c.admin.membershipId)).toBeNull();
    expect(await allowanceOf(c.round.id, c.reviewer.membershipId)).toBeNull();
  });

  it('eligible members: only those marked, whatever their role', async () => {
    const c = await cooperative('eligible_members');
    await c.openFunding();
    expect(await allowanceOf(c.round.id, c.eligibleMember.membershipId)).toBe(43_000);
    expect(await allowanceOf(c.round.id, c.eligibleAdmin.membershipId)).toBe(43_000);
    expect(await allowanceOf(c.round.id, c.eligibleAccountant.membershipId)).toBe(43_000);
    expect(await allowanceOf(c.round.id, c.member.membershipId)).toBeNull();
    expect(await allowanceOf(c.round.id, c.admin.membershipId)).toBeNull();
    expect(await allowanceOf(c.round.id, c.reviewer.membershipId)).toBeNull();
  });

  it('gives no participant to a member whose override is 0', async () => {
    const c = await cooperative('all_members');
    await api().put(`/api/rounds/${c.round.id}/allowances/${c.member.membershipId}`).set(t.given.authFor(c.admin)).send({ amountCents: 0 }).expect(200);
    await c.openFunding();
    expect(await allowanceOf(c.round.id, c.member.membershipId)).toBeNull();
    expect(await allowanceOf(c.round.id, c.eligibleMember.membershipId)).toBe(43_000);
  });

  it('lists each member’s eligibility and whether they hold one, planning 0 for those who do not', async () => {
    const c = await cooperative('eligible_members');
    const res = await api().get(`/api/rounds/${c.round.id}/allowances`).set(t.given.authFor(c.admin)).expect(200);
    const of = (m: Member) => res.body.allowances.find((a: { membershipId: string }) => a.membershipId === m.membershipId);
    expect(of(c.member)).toMatchObject({ eligible: false, holdsAllowance: false, plannedCents: 0, defaultCents: 43_000 });
    expect(of(c.eligibleAccountant)).toMatchObject({ eligible: true, holdsAllowance: true, plannedCents: 43_000 });
  });
});

describe('overrides and top-ups follow the rule', () => {
  it('refuses an override for a member who holds no allowance', async () => {
    const c = await cooperative('eligible_members');
    const res = await api().put(`/api/rounds/${c.round.id}/allowances/${c.member.membershipId}`).set(t.given.authFor(c.admin)).send({ amountCents: 10_000 });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'not_allowance_holder', allowanceHolders: 'eligible_members' });
    const staff = await api().put(`/api/rounds/${c.round.id}/allowances/${c.reviewer.membershipId}`).set(t.given.authFor(c.admin)).send({ amountCents: 10_000 });
    expect(staff.status).toBe(409);
  });

  it('refuses, line by line, an allowance file naming a member who holds none, importing nothing', async () => {
    const c = await cooperative('all_members');
    const csv = `email,amount\n${c.member.email},100\n${c.reviewer.email},200\n`;
    const res = await api().post(`/api/rounds/${c.round.id}/allowances/import`).set(t.given.authFor(c.admin)).set('content-type', 'text/csv').send(csv);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ line: 3, message: `${c.reviewer.email} holds no allowance in this round (staff hold one only if marked eligible)` }]);
  });

  it('refuses a top-up naming a member who holds none, and creates no participant', async () => {
    const c = await cooperative('eligible_members');
    await c.openFunding();
    const res = await api()
      .post(`/api/rounds/${c.round.id}/grants`)
      .set(t.given.authFor(c.admin))
      .send({ amountCents: 5_000, reason: 'yearly top-up', membershipIds: [c.eligibleMember.membershipId, c.member.membershipId] });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'not_allowance_holder', membershipIds: [c.member.membershipId] });
    expect(await allowanceOf(c.round.id, c.member.membershipId)).toBeNull();
    expect(await allowanceOf(c.round.id, c.eligibleMember.membershipId)).toBe(43_000);
  });
});

describe('members who become holders during funding', () => {
  it('a member added during funding gets an allowance only if the rule gives one', async () => {
    const c = await cooperative('eligible_members');
    await c.openFunding();
    const add = (body: object) => api().post(`/api/orgs/${c.admin.organisationId}/members`).set(t.given.authFor(c.admin)).send(body).expect(201);
    const plain = await add({ email: 'plain@example.org', name: 'Plain' });
    const marked = await add({ email: 'marked@example.org', name: 'Marked', eligible: true, memberNumber: 'S-0042' });
    expect(marked.body).toMatchObject({ eligible: true, memberNumber: 'S-0042' });
    expect(await allowanceOf(c.round.id, plain.body.membershipId)).toBeNull();
    expect(await allowanceOf(c.round.id, marked.body.membershipId)).toBe(43_000);
  });

  it('marking a member eligible during funding grants their allowance there; unmarking moves no money', async () => {
    const c = await cooperative('eligible_members');
    await c.openFunding();
    const patch = (body: object) => api().patch(`/api/orgs/${c.admin.organisationId}/members/${c.member.membershipId}`).set(t.given.authFor(c.admin)).send(body);
    const marked = await patch({ eligible: true });
    expect(marked.status).toBe(200);
    expect(marked.body.eligible).toBe(true);
    expect(await allowanceOf(c.round.id, c.member.membershipId)).toBe(43_000);
    const grants = await t.db.select().from(ledger).innerJoin(participants, eq(participants.id, ledger.participantId)).where(and(eq(ledger.roundId, c.round.id), eq(participants.membershipId, c.member.membershipId)));
    expect(grants.map((g) => [g.ledger.kind, g.ledger.deltaCents, g.ledger.enteredBy, g.ledger.reason])).toEqual([['grant', 43_000, c.admin.membershipId, 'initial allowance']]);
    expect((await patch({ eligible: false })).body.eligible).toBe(false);
    expect(await allowanceOf(c.round.id, c.member.membershipId)).toBe(43_000);
  });

  it('a staff member made a plain member during an all-members round gets an allowance', async () => {
    const c = await cooperative('all_members');
    await c.openFunding();
    expect(await allowanceOf(c.round.id, c.reviewer.membershipId)).toBeNull();
    await api().patch(`/api/orgs/${c.admin.organisationId}/members/${c.reviewer.membershipId}`).set(t.given.authFor(c.admin)).send({ role: 'member' }).expect(200);
    expect(await allowanceOf(c.round.id, c.reviewer.membershipId)).toBe(43_000);
  });
});

describe('what stays open to every member', () => {
  it('a member without an allowance still proposes and comments', async () => {
    const c = await cooperative('eligible_members');
    const proposed = await api().post(`/api/rounds/${c.round.id}/buckets`).set(t.given.authFor(c.member)).send(newBucket());
    expect(proposed.status).toBe(201);
    const bucket = await t.given.bucket(c.round.id, c.eligibleMember, { status: 'proposed' });
    const commented = await api().post(`/api/buckets/${bucket.id}/comments`).set(t.given.authFor(c.member)).send({ body: 'Count me in.' });
    expect(commented.status).toBe(201);
  });
});

describe('the round setting', () => {
  it('is part of a round, all members by default, and frozen once funding starts', async () => {
    const admin = await t.given.admin();
    const created = await api().post(`/api/orgs/${admin.organisationId}/rounds`).set(t.given.authFor(admin)).send({ title: 'Budget 2027' });
    expect(created.status).toBe(201);
    expect(created.body.allowanceHolders).toBe('all_members');
    const id = created.body.id as string;
    const patched = await api().patch(`/api/rounds/${id}`).set(t.given.authFor(admin)).send({ allowanceHolders: 'eligible_members' });
    expect(patched.status).toBe(200);
    expect(patched.body.allowanceHolders).toBe('eligible_members');
    expect((await api().patch(`/api/rounds/${id}`).set(t.given.authFor(admin)).send({ allowanceHolders: 'everyone' })).status).toBe(400);
    await api().post(`/api/rounds/${id}/phase`).set(t.given.authFor(admin)).send({ phase: 'funding' }).expect(200);
    const frozen = await api().patch(`/api/rounds/${id}`).set(t.given.authFor(admin)).send({ allowanceHolders: 'all_members' });
    expect(frozen.status).toBe(409);
    expect(frozen.body.code).toBe('round_rules_frozen');
  });
});

describe('an allowance of 0', () => {
  it('set during funding for a member who holds nothing yet creates no participant', async () => {
    const c = await cooperative('all_members');
    await api().put(`/api/rounds/${c.round.id}/allowances/${c.member.membershipId}`).set(t.given.authFor(c.admin)).send({ amountCents: 0 }).expect(200);
    await c.openFunding();
    await api().put(`/api/rounds/${c.round.id}/allowances/${c.member.membershipId}`).set(t.given.authFor(c.admin)).send({ amountCents: 0 }).expect(200);
    expect(await allowanceOf(c.round.id, c.member.membershipId)).toBeNull();
  });
});
