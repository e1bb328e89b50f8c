import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { and, eq } from 'drizzle-orm';
import { testApp, type TestContext } from '../../../test/harness.ts';
import { allowanceOverrides, decisions, ledger, memberships, participants } from '../../db/schema.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const api = () => request(t.app.server);

async function overrideOf(roundId: string, membershipId: string) {
  const [row] = await t.db.select().from(allowanceOverrides).where(and(eq(allowanceOverrides.roundId, roundId), eq(allowanceOverrides.membershipId, membershipId)));
  return row?.amountCents ?? null;
}

async function allowanceOf(roundId: string, membershipId: string) {
  const [row] = await t.db.select().from(participants).where(and(eq(participants.roundId, roundId), eq(participants.membershipId, membershipId)));
  return row?.allowanceCents ?? null;
}

/** Puts money of a participant into an allocation's total, as an allocation would. */
async function markAllocated(roundId: string, membershipId: string, cents: number) {
  await t.db.update(participants).set({ allocatedCents: cents }).where(and(eq(participants.roundId, roundId), eq(participants.membershipId, membershipId)));
}

function csv(roundId: string, admin: { token: string }, body: string) {
  return api().post(`/api/rounds/${roundId}/allowances/import`).set(t.given.authFor(admin)).set('content-type', 'text/csv').send(body);
}

describe('listing allowances', () => {
  it('shows every active member with the default or their override before funding', async () => {
    const admin = await t.given.admin();
    const alice = await t.given.member({ organisationId: admin.organisationId, name: 'Alice' });
    const gone = await t.given.member({ organisationId: admin.organisationId, name: 'Gone' });
    await t.db.update(memberships).set({ active: false }).where(eq(memberships.id, gone.membershipId));
    const round = await t.given.round(admin.organisationId, { phase: 'proposals', defaultAllowanceCents: 43_000 });
    await api().put(`/api/rounds/${round.id}/allowances/${alice.membershipId}`).set(t.given.authFor(admin)).send({ amountCents: 20_000 }).expect(200);
    const res = await api().get(`/api/rounds/${round.id}/allowances`).set(t.given.authFor(admin));
    expect(res.status).toBe(200);
    expect(res.body.allowances).toHaveLength(2);
    expect(res.body.allowances.find((a: { membershipId: string }) => a.membershipId === alice.membershipId)).toEqual({
      membershipId: alice.membershipId,
      name: 'Alice',
      email: alice.email,
      role: 'member',
      eligible: false,
      holdsAllowance: true,
      defaultCents: 43_000,
      overrideCents: 20_000,
      plannedCents: 20_000,
      allowanceCents: null,
      allocatedCents: null,
    });
    expect(res.body.allowances.find((a: { membershipId: string }) => a.membershipId === admin.membershipId)).toMatchObject({ overrideCents: null, plannedCents: 43_000 });
  });

  it('shows what members hold and allocated once funding started', async () => {
    const { admin, round, members } = await t.given.fundingRound({ members: 1 });
    const [member] = members;
    if (!member) throw new Error('no member');
    await markAllocated(round.id, member.membershipId, 1_000);
    const res = await api().get(`/api/rounds/${round.id}/allowances`).set(t.given.authFor(admin));
    expect(res.body.allowances.find((a: { membershipId: string }) => a.membershipId === member.membershipId)).toMatchObject({ allowanceCents: 43_000, allocatedCents: 1_000 });
  });

  it('lists apart the deactivated members whose money is still in projects, with what may be returned', async () => {
    const lines = [{ label: 'Bench', amountCents: 20_000, essential: true }, { label: 'Paint', amountCents: 20_000, essential: false }];
    const { admin, round, members: [alice, bob, carol], buckets: [reached, short] } = await t.given.fundingRound({ buckets: 2, lines, round: { kind: 'permanent', defaultAllowanceCents: 100_000 } });
    await t.allocate(alice!, reached!.id, 20_000).expect(200);
    await t.allocate(alice!, short!.id, 5_000).expect(200);
    await t.allocate(bob!, short!.id, 1_000).expect(200);
    for (const gone of [alice!, carol!]) await t.db.update(memberships).set({ active: false }).where(eq(memberships.id, gone.membershipId));

    const res = await api().get(`/api/rounds/${round.id}/allowances`).set(t.given.authFor(admin));
    expect(res.body.formerParticipants).toEqual([{ membershipId: alice!.membershipId, name: alice!.name, allocatedCents: 25_000, returnableCents: 5_000 }]);
    expect(res.body.allowances.map((a: { membershipId: string }) => a.membershipId)).not.toContain(alice!.membershipId);
  });

  it('is open to accountants but not to members', async () => {
    const admin = await t.given.admin();
    const accountant = await t.given.member({ organisationId: admin.organisationId, role: 'accountant' });
    const member = await t.given.member({ organisationId: admin.organisationId });
    const round = await t.given.round(admin.organisationId);
    expect((await api().get(`/api/rounds/${round.id}/allowances`).set(t.given.authFor(accountant))).status).toBe(200);
    expect((await api().get(`/api/rounds/${round.id}/allowances`).set(t.given.authFor(member))).status).toBe(403);
    expect((await api().get(`/api/rounds/${round.id}/allowances`).set(t.given.authFor(await t.given.admin()))).status).toBe(404);
    expect((await api().get(`/api/rounds/${round.id}/allowances`)).status).toBe(401);
  });
});

describe('overriding one member’s allowance', () => {
  it('before funding, only records the override', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    const round = await t.given.round(admin.organisationId, { phase: 'draft' });
    const res = await api().put(`/api/rounds/${round.id}/allowances/${member.membershipId}`).set(t.given.authFor(admin)).send({ amountCents: 12_345 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ membershipId: member.membershipId, overrideCents: 12_345, plannedCents: 12_345 });
    expect(await overrideOf(round.id, member.membershipId)).toBe(12_345);
    expect(await allowanceOf(round.id, member.membershipId)).toBeNull();
  });

  it('during funding, moves the real allowance through the ledger and announces it', async () => {
    const { admin, round, members } = await t.given.fundingRound({ members: 1 });
    const member = members[0];
    if (!member) throw new Error('no member');
    const seen: unknown[] = [];
    const stop = t.app.changes.subscribe((change) => seen.push(change));
    const res = await api().put(`/api/rounds/${round.id}/allowances/${member.membershipId}`).set(t.given.authFor(admin)).send({ amountCents: 50_000 });
    stop();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ overrideCents: 50_000, allowanceCents: 50_000 });
    expect(await allowanceOf(round.id, member.membershipId)).toBe(50_000);
    const rows = await t.db.select().from(ledger).where(eq(ledger.roundId, round.id));
    expect(rows.filter((r) => r.enteredBy === admin.membershipId && r.deltaCents === 7_000)).toHaveLength(1);
    expect(seen).toContainEqual({ roundId: round.id, membershipIds: [member.membershipId] });
  });

  it('during funding, refuses an amount below what the member already allocated', async () => {
    const { admin, round, members } = await t.given.fundingRound({ members: 1 });
    const member = members[0];
    if (!member) throw new Error('no member');
    await markAllocated(round.id, member.membershipId, 30_000);
    const res = await api().put(`/api/rounds/${round.id}/allowances/${member.membershipId}`).set(t.given.authFor(admin)).send({ amountCents: 20_000 });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('allowance_below_allocated');
    expect(await overrideOf(round.id, member.membershipId)).toBeNull();
  });

  it('refuses changes once the round is closed', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'closed' });
    const put = await api().put(`/api/rounds/${round.id}/allowances/${admin.membershipId}`).set(t.given.authFor(admin)).send({ amountCents: 1 });
    expect(put.status).toBe(409);
    expect(put.body.code).toBe('round_closed');
    const del = await api().delete(`/api/rounds/${round.id}/allowances/${admin.membershipId}`).set(t.given.authFor(admin));
    expect(del.status).toBe(409);
  });

  it('answers 404 for a member of another organisation', async () => {
    const admin = await t.given.admin();
    const stranger = await t.given.member();
    const round = await t.given.round(admin.organisationId);
    const res = await api().put(`/api/rounds/${round.id}/allowances/${stranger.membershipId}`).set(t.given.authFor(admin)).send({ amountCents: 1 });
    expect(res.status).toBe(404);
  });

  it('names a negative or fractional amount', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId);
    for (const amountCents of [-1, 1.5, '100']) {
      const res = await api().put(`/api/rounds/${round.id}/allowances/${admin.membershipId}`).set(t.given.authFor(admin)).send({ amountCents });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].path).toBe('body.amountCents');
    }
  });

  it('is for admins only', async () => {
    const admin = await t.given.admin();
    const accountant = await t.given.member({ organisationId: admin.organisationId, role: 'accountant' });
    const round = await t.given.round(admin.organisationId);
    const path = `/api/rounds/${round.id}/allowances/${accountant.membershipId}`;
    expect((await api().put(path).set(t.given.authFor(accountant)).send({ amountCents: 1 })).status).toBe(403);
    expect((await api().delete(path).set(t.given.authFor(accountant))).status).toBe(403);
    expect((await api().put(path).set(t.given.authFor(await t.given.admin())).send({ amountCents: 1 })).status).toBe(404);
    expect((await api().put(path).send({ amountCents: 1 })).status).toBe(401);
  });
});

describe('removing an override', () => {
  it('before funding, puts the member back on the default', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'proposals' });
    await api().put(`/api/rounds/${round.id}/allowances/${admin.membershipId}`).set(t.given.authFor(admin)).send({ amountCents: 1 }).expect(200);
    await api().delete(`/api/rounds/${round.id}/allowances/${admin.membershipId}`).set(t.given.authFor(admin)).expect(204);
    expect(await overrideOf(round.id, admin.membershipId)).toBeNull();
  });

  it('during funding, brings the allowance back to the default', async () => {
    const { admin, round, members } = await t.given.fundingRound({ members: 1 });
    const member = members[0];
    if (!member) throw new Error('no member');
    await api().put(`/api/rounds/${round.id}/allowances/${member.membershipId}`).set(t.given.authFor(admin)).send({ amountCents: 60_000 }).expect(200);
    await api().delete(`/api/rounds/${round.id}/allowances/${member.membershipId}`).set(t.given.authFor(admin)).expect(204);
    expect(await allowanceOf(round.id, member.membershipId)).toBe(43_000);
  });

  it('is harmless when there is no override', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'proposals' });
    await api().delete(`/api/rounds/${round.id}/allowances/${admin.membershipId}`).set(t.given.authFor(admin)).expect(204);
  });
});

describe('importing allowances from CSV', () => {
  it('sets every line’s override, amounts in major units', async () => {
    const admin = await t.given.admin();
    const alice = await t.given.member({ organisationId: admin.organisationId });
    const bob = await t.given.member({ organisationId: admin.organisationId });
    const round = await t.given.round(admin.organisationId, { phase: 'proposals' });
    const res = await csv(round.id, admin, `email,amount\n${alice.email.toUpperCase()},430\n${bob.email},12,50\n`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ imported: 2, errors: [] });
    expect(await overrideOf(round.id, alice.membershipId)).toBe(43_000);
    expect(await overrideOf(round.id, bob.membershipId)).toBe(1_250);
  });

  it('reads semicolon-separated files from French spreadsheets', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'proposals' });
    const res = await csv(round.id, admin, `\uFEFFemail;amount\r\n${admin.email};0,05\r\n`);
    expect(res.status).toBe(200);
    expect(await overrideOf(round.id, admin.membershipId)).toBe(5);
  });

  it('imports nothing when one line is wrong, and names each bad line', async () => {
    const admin = await t.given.admin();
    const alice = await t.given.member({ organisationId: admin.organisationId });
    const stranger = await t.given.member();
    const round = await t.given.round(admin.organisationId, { phase: 'proposals' });
    const res = await csv(round.id, admin, `email,amount\n${alice.email},430\n${stranger.email},10\n${admin.email},-3\n${alice.email},1\n`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'import_failed', imported: 0 });
    expect(res.body.errors.map((e: { line: number }) => e.line)).toEqual([3, 4, 5]);
    expect(res.body.errors[0].message).toContain('not an active member');
    expect(await overrideOf(round.id, alice.membershipId)).toBeNull();
  });

  it('during funding, moves the allowances, or nothing if one member already allocated more', async () => {
    const { admin, round, members } = await t.given.fundingRound({ members: 2 });
    const [alice, bob] = members;
    if (!alice || !bob) throw new Error('no members');
    await markAllocated(round.id, bob.membershipId, 30_000);
    const refused = await csv(round.id, admin, `email,amount\n${alice.email},500\n${bob.email},100\n`);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ line: 3, message: expect.stringContaining('already allocated 300.00 EUR') }]);
    expect(await allowanceOf(round.id, alice.membershipId)).toBe(43_000);
    expect(await overrideOf(round.id, alice.membershipId)).toBeNull();

    const done = await csv(round.id, admin, `email,amount\n${alice.email},500\n${bob.email},300\n`);
    expect(done.status).toBe(200);
    expect(await allowanceOf(round.id, alice.membershipId)).toBe(50_000);
    expect(await allowanceOf(round.id, bob.membershipId)).toBe(30_000);
  });

  it('refuses a closed round', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'closed' });
    const res = await csv(round.id, admin, `email,amount\n${admin.email},1\n`);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('round_closed');
  });

  it('is for admins only', async () => {
    const admin = await t.given.admin();
    const accountant = await t.given.member({ organisationId: admin.organisationId, role: 'accountant' });
    const round = await t.given.round(admin.organisationId);
    expect((await csv(round.id, accountant, 'email,amount\n')).status).toBe(403);
    expect((await csv(round.id, await t.given.admin(), 'email,amount\n')).status).toBe(404);
  });
});

describe('topping up allowances', () => {
  it('adds to every active participant’s allowance and records the decision', async () => {
    const { admin, round, members } = await t.given.fundingRound({ members: 2, round: { kind: 'permanent' } });
    const [alice, gone] = members;
    if (!alice || !gone) throw new Error('no members');
    await t.db.update(memberships).set({ active: false }).where(eq(memberships.id, gone.membershipId));
    const seen: { membershipIds?: string[] }[] = [];
    const stop = t.app.changes.subscribe((change) => seen.push(change));
    const res = await api().post(`/api/rounds/${round.id}/grants`).set(t.given.authFor(admin)).send({ amountCents: 10_000, reason: 'Top-up 2027' });
    stop();
    expect(res.status).toBe(200);
    expect(new Set(res.body.membershipIds)).toEqual(new Set([admin.membershipId, alice.membershipId]));
    expect(await allowanceOf(round.id, alice.membershipId)).toBe(53_000);
    expect(await allowanceOf(round.id, gone.membershipId)).toBe(43_000);
    const [decision] = await t.db.select().from(decisions).where(and(eq(decisions.roundId, round.id), eq(decisions.kind, 'allowance_granted')));
    expect(decision).toMatchObject({ actorId: admin.membershipId, reason: 'Top-up 2027', data: { amountCents: 10_000, members: 2 } });
    expect(new Set(seen[0]?.membershipIds)).toEqual(new Set(res.body.membershipIds));
  });

  it('adds only to the members named', async () => {
    const { admin, round, members } = await t.given.fundingRound({ members: 2 });
    const [alice, bob] = members;
    if (!alice || !bob) throw new Error('no members');
    const res = await api().post(`/api/rounds/${round.id}/grants`).set(t.given.authFor(admin)).send({ amountCents: 500, reason: 'Late joiner', membershipIds: [alice.membershipId] });
    expect(res.body).toEqual({ amountCents: 500, membershipIds: [alice.membershipId] });
    expect(await allowanceOf(round.id, alice.membershipId)).toBe(43_500);
    expect(await allowanceOf(round.id, bob.membershipId)).toBe(43_000);
  });

  it('answers 404 when a member named is not in the organisation', async () => {
    const { admin, round } = await t.given.fundingRound({ members: 0 });
    const stranger = await t.given.member();
    const res = await api().post(`/api/rounds/${round.id}/grants`).set(t.given.authFor(admin)).send({ amountCents: 500, reason: 'x', membershipIds: [stranger.membershipId] });
    expect(res.status).toBe(404);
    expect(await allowanceOf(round.id, stranger.membershipId)).toBeNull();
  });

  it('works only while the round is in funding', async () => {
    const admin = await t.given.admin();
    for (const phase of ['draft', 'proposals', 'closed'] as const) {
      const round = await t.given.round(admin.organisationId, { phase });
      const res = await api().post(`/api/rounds/${round.id}/grants`).set(t.given.authFor(admin)).send({ amountCents: 500, reason: 'x' });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('round_not_funding');
    }
  });

  it('names a missing reason or an amount that is not positive', async () => {
    const { admin, round } = await t.given.fundingRound({ members: 0 });
    const noReason = await api().post(`/api/rounds/${round.id}/grants`).set(t.given.authFor(admin)).send({ amountCents: 500 });
    expect(noReason.body.errors[0].path).toBe('body.reason');
    const zero = await api().post(`/api/rounds/${round.id}/grants`).set(t.given.authFor(admin)).send({ amountCents: 0, reason: 'x' });
    expect(zero.status).toBe(400);
    expect(zero.body.errors[0].path).toBe('body.amountCents');
  });

  it('is for admins only', async () => {
    const { admin, round, members } = await t.given.fundingRound({ members: 1 });
    const member = members[0];
    if (!member) throw new Error('no member');
    expect((await api().post(`/api/rounds/${round.id}/grants`).set(t.given.authFor(member)).send({ amountCents: 1, reason: 'x' })).status).toBe(403);
    expect((await api().post(`/api/rounds/${round.id}/grants`).set(t.given.authFor(await t.given.admin())).send({ amountCents: 1, reason: 'x' })).status).toBe(404);
    expect((await api().post(`/api/rounds/${round.id}/grants`).send({ amountCents: 1, reason: 'x' })).status).toBe(401);
    expect(await allowanceOf(round.id, admin.membershipId)).toBe(43_000);
  });
});

