import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { and, eq } from 'drizzle-orm';
import { testApp, testApps, type TestContext } from '../../../test/harness.ts';
import { buckets, decisions, ledger, participants, rounds } from '../../db/schema.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const api = () => request(t.app.server);
const HOUR = 3_600_000;

async function phaseOf(roundId: string) {
  const [round] = await t.db.select({ phase: rounds.phase }).from(rounds).where(eq(rounds.id, roundId));
  return round?.phase;
}

async function phaseDecisions(roundId: string) {
  return t.db.select().from(decisions).where(and(eq(decisions.roundId, roundId), eq(decisions.kind, 'phase_changed')));
}

describe('moving a round forward by hand', () => {
  it.each([
    ['draft', 'proposals'],
    ['draft', 'funding'],
    ['proposals', 'funding'],
  ] as const)('moves a round from %s to %s and records who did it', async (from, to) => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: from });
    const res = await api().post(`/api/rounds/${round.id}/phase`).set(t.given.authFor(admin)).send({ phase: to });
    expect(res.status).toBe(200);
    expect(res.body.phase).toBe(to);
    const recorded = await phaseDecisions(round.id);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ actorId: admin.membershipId, data: expect.objectContaining({ from, to }) });
  });

  it.each([
    ['proposals', 'draft'],
    ['proposals', 'proposals'],
    ['funding', 'proposals'],
    ['funding', 'draft'],
    ['funding', 'funding'],
    ['closed', 'funding'],
    ['closed', 'draft'],
  ] as const)('refuses to move a round from %s to %s', async (from, to) => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: from });
    const res = await api().post(`/api/rounds/${round.id}/phase`).set(t.given.authFor(admin)).send({ phase: to });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('invalid_phase_transition');
    expect(await phaseOf(round.id)).toBe(from);
    expect(await phaseDecisions(round.id)).toHaveLength(0);
  });

  it('points to the close route when asked to close', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'funding' });
    const res = await api().post(`/api/rounds/${round.id}/phase`).set(t.given.authFor(admin)).send({ phase: 'closed' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('use_close');
    expect(res.body.detail).toContain('/close');
    expect(await phaseOf(round.id)).toBe('funding');
  });

  it('keeps a permanent round in funding', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'proposals', kind: 'permanent' });
    await api().post(`/api/rounds/${round.id}/phase`).set(t.given.authFor(admin)).send({ phase: 'funding' }).expect(200);
    const res = await api().post(`/api/rounds/${round.id}/phase`).set(t.given.authFor(admin)).send({ phase: 'closed' });
    expect(res.status).toBe(409);
    expect(await phaseOf(round.id)).toBe('funding');
  });

  it('names the phase when it is not one', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'draft' });
    const res = await api().post(`/api/rounds/${round.id}/phase`).set(t.given.authFor(admin)).send({ phase: 'voting' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.phase');
  });

  it('is for admins of the round’s organisation only', async () => {
    const admin = await t.given.admin();
    const reviewer = await t.given.member({ organisationId: admin.organisationId, role: 'reviewer' });
    const stranger = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'draft' });
    expect((await api().post(`/api/rounds/${round.id}/phase`).set(t.given.authFor(reviewer)).send({ phase: 'proposals' })).status).toBe(403);
    expect((await api().post(`/api/rounds/${round.id}/phase`).set(t.given.authFor(stranger)).send({ phase: 'proposals' })).status).toBe(404);
    expect((await api().post(`/api/rounds/${round.id}/phase`).send({ phase: 'proposals' })).status).toBe(401);
    expect(await phaseOf(round.id)).toBe('draft');
  });

  it('announces the new phase after it is committed', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'draft' });
    const seen: unknown[] = [];
    const stop = t.app.changes.subscribe((change) => seen.push(change));
    await api().post(`/api/rounds/${round.id}/phase`).set(t.given.authFor(admin)).send({ phase: 'proposals' }).expect(200);
    stop();
    expect(seen).toEqual([{ roundId: round.id, round: true }]);
  });
});

describe('entering funding', () => {
  it('gives every active member their allowance, or their override', async () => {
    const admin = await t.given.admin();
    const alice = await t.given.member({ organisationId: admin.organisationId });
    const bob = await t.given.member({ organisationId: admin.organisationId });
    const round = await t.given.round(admin.organisationId, { phase: 'proposals', defaultAllowanceCents: 43_000 });
    await api().put(`/api/rounds/${round.id}/allowances/${bob.membershipId}`).set(t.given.authFor(admin)).send({ amountCents: 10_000 }).expect(200);
    await api().post(`/api/rounds/${round.id}/phase`).set(t.given.authFor(admin)).send({ phase: 'funding' }).expect(200);
    const held = await t.db.select().from(participants).where(eq(participants.roundId, round.id));
    const allowanceOf = (id: string) => held.find((p) => p.membershipId === id)?.allowanceCents;
    expect(held).toHaveLength(3);
    expect(allowanceOf(alice.membershipId)).toBe(43_000);
    expect(allowanceOf(bob.membershipId)).toBe(10_000);
    expect(allowanceOf(admin.membershipId)).toBe(43_000);
    const grants = await t.db.select().from(ledger).where(eq(ledger.roundId, round.id));
    expect(grants.reduce((sum, row) => sum + row.deltaCents, 0)).toBe(96_000);
    expect(grants.every((row) => row.kind === 'grant' && row.enteredBy === admin.membershipId)).toBe(true);
  });

  it('opens proposed projects when the round needs no approval', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'proposals', approvalRequired: false });
    const proposed = await t.given.bucket(round.id, admin, { status: 'proposed' });
    const draft = await t.given.bucket(round.id, admin, { status: 'draft' });
    const withdrawn = await t.given.bucket(round.id, admin, { status: 'withdrawn' });
    const seen: { bucketIds?: string[] }[] = [];
    const stop = t.app.changes.subscribe((change) => seen.push(change));
    await api().post(`/api/rounds/${round.id}/phase`).set(t.given.authFor(admin)).send({ phase: 'funding' }).expect(200);
    stop();
    const statusOf = async (id: string) => (await t.db.select({ status: buckets.status }).from(buckets).where(eq(buckets.id, id)))[0]?.status;
    expect(await statusOf(proposed.id)).toBe('open');
    expect(await statusOf(draft.id)).toBe('draft');
    expect(await statusOf(withdrawn.id)).toBe('withdrawn');
    expect(seen[0]?.bucketIds).toEqual([proposed.id]);
  });

  it('leaves unapproved projects out when the round needs approval', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'proposals', approvalRequired: true });
    const proposed = await t.given.bucket(round.id, admin, { status: 'proposed' });
    const approved = await t.given.bucket(round.id, admin, { status: 'open' });
    await api().post(`/api/rounds/${round.id}/phase`).set(t.given.authFor(admin)).send({ phase: 'funding' }).expect(200);
    const rows = await t.db.select({ id: buckets.id, status: buckets.status }).from(buckets).where(eq(buckets.roundId, round.id));
    expect(Object.fromEntries(rows.map((b) => [b.id, b.status]))).toEqual({ [proposed.id]: 'proposed', [approved.id]: 'open' });
  });

  it('announces the members who got an allowance', async () => {
    const admin = await t.given.admin();
    const member = await t.given.member({ organisationId: admin.organisationId });
    const round = await t.given.round(admin.organisationId, { phase: 'proposals' });
    const seen: { membershipIds?: string[] }[] = [];
    const stop = t.app.changes.subscribe((change) => seen.push(change));
    await api().post(`/api/rounds/${round.id}/phase`).set(t.given.authFor(admin)).send({ phase: 'funding' }).expect(200);
    stop();
    expect(new Set(seen[0]?.membershipIds)).toEqual(new Set([admin.membershipId, member.membershipId]));
  });

  it('happens exactly once when two admins press the button together', async () => {
    const admin = await t.given.admin();
    const other = await t.given.admin(admin.organisationId);
    const round = await t.given.round(admin.organisationId, { phase: 'proposals' });
    const [a, b] = await Promise.all([
      api().post(`/api/rounds/${round.id}/phase`).set(t.given.authFor(admin)).send({ phase: 'funding' }),
      api().post(`/api/rounds/${round.id}/phase`).set(t.given.authFor(other)).send({ phase: 'funding' }),
    ]);
    expect([a?.status, b?.status].sort()).toEqual([200, 409]);
    expect(await phaseDecisions(round.id)).toHaveLength(1);
    expect(await t.db.select().from(ledger).where(eq(ledger.roundId, round.id))).toHaveLength(2);
  });
});

describe('scheduled phase changes', () => {
  it('opens proposals when their date comes, with no actor in the history', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'draft', proposalsOpenAt: new Date(t.clock.now().getTime() + HOUR) });
    await t.app.jobs.runDue();
    expect(await phaseOf(round.id)).toBe('draft');
    t.clock.advance(HOUR);
    await t.app.jobs.runDue();
    expect(await phaseOf(round.id)).toBe('proposals');
    const recorded = await phaseDecisions(round.id);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ actorId: null, data: { from: 'draft', to: 'proposals' } });
  });

  it('opens funding when its date comes and gives the allowances', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'proposals', fundingOpensAt: new Date(t.clock.now().getTime() + 2 * HOUR) });
    t.clock.advance(2 * HOUR - 1);
    await t.app.jobs.runDue();
    expect(await phaseOf(round.id)).toBe('proposals');
    t.clock.advance(1);
    await t.app.jobs.runDue();
    expect(await phaseOf(round.id)).toBe('funding');
    const [held] = await t.db.select().from(participants).where(eq(participants.roundId, round.id));
    expect(held).toMatchObject({ membershipId: admin.membershipId, allowanceCents: 43_000 });
    const [grant] = await t.db.select().from(ledger).where(eq(ledger.roundId, round.id));
    expect(grant?.enteredBy).toBeNull();
  });

  it('goes through proposals to funding when both dates have passed', async () => {
    const admin = await t.given.admin();
    const start = t.clock.now().getTime();
    const round = await t.given.round(admin.organisationId, { phase: 'draft', proposalsOpenAt: new Date(start + HOUR), fundingOpensAt: new Date(start + 2 * HOUR) });
    t.clock.advance(3 * HOUR);
    await t.app.jobs.runDue();
    expect(await phaseOf(round.id)).toBe('funding');
    const recorded = (await phaseDecisions(round.id)).map((d) => d.data);
    expect(recorded).toEqual(expect.arrayContaining([expect.objectContaining({ from: 'draft', to: 'proposals' }), expect.objectContaining({ from: 'proposals', to: 'funding' })]));
  });

  it('does not move a round whose phase an admin already moved past the date', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'funding', proposalsOpenAt: new Date(t.clock.now().getTime() - HOUR), fundingOpensAt: new Date(t.clock.now().getTime() - HOUR) });
    await t.app.jobs.runDue();
    expect(await phaseOf(round.id)).toBe('funding');
    expect(await phaseDecisions(round.id)).toHaveLength(0);
  });

  it('announces scheduled changes', async () => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase: 'draft', proposalsOpenAt: new Date(t.clock.now().getTime() + HOUR) });
    t.clock.advance(HOUR);
    const seen: unknown[] = [];
    const stop = t.app.changes.subscribe((change) => seen.push(change));
    await t.app.jobs.runDue();
    stop();
    expect(seen).toContainEqual({ roundId: round.id, round: true });
  });
});

describe('scheduled phase changes on several instances', () => {
  it('opens funding exactly once when every instance runs its jobs at the same time', async () => {
    const cluster = await testApps(3);
    try {
      const [first] = cluster.instances;
      if (!first) throw new Error('no instance');
      const admin = await first.given.admin();
      await first.given.member({ organisationId: admin.organisationId });
      const round = await first.given.round(admin.organisationId, { phase: 'proposals', fundingOpensAt: new Date(first.clock.now().getTime() + HOUR) });
      first.clock.advance(HOUR);
      await Promise.all(cluster.instances.map((instance) => instance.app.jobs.runDue()));
      const recorded = await first.db.select().from(decisions).where(eq(decisions.roundId, round.id));
      expect(recorded).toHaveLength(1);
      expect(await first.db.select().from(participants).where(eq(participants.roundId, round.id))).toHaveLength(2);
      expect(await first.db.select().from(ledger).where(eq(ledger.roundId, round.id))).toHaveLength(2);
    } finally {
      await cluster.close();
    }
  });
});
