import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { testApp, type TestContext } from '../../../test/harness.ts';
import { moneyViolations } from '../../../test/invariants.ts';
import type { Given, Member } from '../../../test/given.ts';
import type { RoundChange } from '../live/changes.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const HOUR = 3_600_000;

const close = (as: Member, roundId: string) => request(t.app.server).post(`/api/rounds/${roundId}/close`).set(t.given.authFor(as)).send();

const q = async (query: ReturnType<typeof sql>) => (await t.db.execute(query)).rows as Record<string, unknown>[];
const statusOf = async (bucketId: string) => (await q(sql`SELECT status FROM buckets WHERE id = ${bucketId}`))[0]?.status;
const phaseOf = async (roundId: string) => (await q(sql`SELECT phase FROM rounds WHERE id = ${roundId}`))[0]?.phase;
const ledgerCount = async (roundId: string, kind: string) =>
  Number((await q(sql`SELECT COUNT(*)::int AS n FROM ledger WHERE round_id = ${roundId} AND kind = ${kind}`))[0]?.n);
const decisionsOf = (roundId: string) => q(sql`SELECT kind, bucket_id, actor_id, reason, data FROM decisions WHERE round_id = ${roundId} ORDER BY created_at, id`);

/** Alice and Bob fill the first bucket past its minimum; Carol puts 3,000 into the second. */
async function roundWithOneShortBucket(round: NonNullable<Parameters<Given['fundingRound']>[0]>['round'] = {}) {
  const given = await t.given.fundingRound({ buckets: 2, round });
  const [alice, bob, carol] = given.members as [Member, Member, Member];
  const full = given.buckets[0]!;
  const short = given.buckets[1]!;
  await t.allocate(alice, full.id, 40_000).expect(200);
  await t.allocate(bob, full.id, 40_000).expect(200);
  await t.allocate(carol, full.id, 30_000).expect(200);
  await t.allocate(carol, short.id, 3_000).expect(200);
  await t.allocate(alice, short.id, 2_000).expect(200);
  return { ...given, alice, bob, carol, full, short };
}

describe('POST /api/rounds/:roundId/close', () => {
  it('closes the round, funds what reached its minimum and replies with the results', async () => {
    const { round, admin, full, short } = await roundWithOneShortBucket();
    const res = await close(admin, round.id);
    expect(res.status).toBe(200);
    expect(res.body.round).toMatchObject({ id: round.id, phase: 'closed' });
    expect(res.body.final).toBe(true);
    expect(res.body.buckets).toEqual([
      expect.objectContaining({ bucketId: full.id, status: 'funded', fundedCents: 110_000, contributors: 3 }),
      expect.objectContaining({ bucketId: short.id, status: 'not_funded', fundedCents: 0, contributors: 0, returnedCents: 5_000 }),
    ]);
    // Four allowances of 43,000: the admin is a member too.
    expect(res.body.totals).toEqual({ allowancesCents: 172_000, inFundedBucketsCents: 110_000, pendingCents: 0, unspentCents: 62_000, elsewhereCents: 0 });
    expect(res.body.fromLedger).toEqual(res.body.totals);
    expect(res.body.returnedCents).toBe(5_000);
    expect(res.body.reconciled).toBe(true);
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
  });

  it('sends the money of a project short of its minimum back to each member under the return rule', async () => {
    const { round, admin, alice, carol, short } = await roundWithOneShortBucket({ shortfallRule: 'return' });
    await close(admin, round.id).expect(200);
    expect(await statusOf(short.id)).toBe('not_funded');
    const returns = await q(sql`
      SELECT p.membership_id, l.delta_cents, l.entered_by FROM ledger l JOIN participants p ON p.id = l.participant_id
      WHERE l.bucket_id = ${short.id} AND l.kind = 'return' ORDER BY l.delta_cents`);
    expect(returns).toEqual([
      { membership_id: carol.membershipId, delta_cents: -3_000, entered_by: admin.membershipId },
      { membership_id: alice.membershipId, delta_cents: -2_000, entered_by: admin.membershipId },
    ]);
    const balances = await q(sql`SELECT membership_id, allocated_cents FROM participants WHERE round_id = ${round.id}`);
    expect(balances).toContainEqual({ membership_id: alice.membershipId, allocated_cents: 40_000 });
    expect(balances).toContainEqual({ membership_id: carol.membershipId, allocated_cents: 30_000 });
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
  });

  it('leaves a project short of its minimum to the board, money kept, under the board rule', async () => {
    const { round, admin, short } = await roundWithOneShortBucket({ shortfallRule: 'board' });
    const res = await close(admin, round.id).expect(200);
    expect(await statusOf(short.id)).toBe('awaiting_board');
    expect(res.body.buckets).toContainEqual(expect.objectContaining({ bucketId: short.id, status: 'awaiting_board', fundedCents: 5_000 }));
    expect(res.body.totals).toMatchObject({ inFundedBucketsCents: 110_000, pendingCents: 5_000, unspentCents: 57_000 });
    expect(await ledgerCount(round.id, 'return')).toBe(0);
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
  });

  it('does not fund a project that got nothing, even under the board rule', async () => {
    const { round, admin, buckets: [empty] } = await t.given.fundingRound({ round: { shortfallRule: 'board' } });
    await close(admin, round.id).expect(200);
    expect(await statusOf(empty!.id)).toBe('not_funded');
  });

  it('turns projects still proposed or in draft into not funded', async () => {
    const { round, admin } = await t.given.fundingRound();
    const proposed = await t.given.bucket(round.id, admin, { status: 'proposed' });
    const draft = await t.given.bucket(round.id, admin, { status: 'draft' });
    await close(admin, round.id).expect(200);
    expect(await statusOf(proposed.id)).toBe('not_funded');
    expect(await statusOf(draft.id)).toBe('not_funded');
  });

  it('funds a project exactly at its minimum', async () => {
    const { round, admin, members, buckets: [bucket] } = await t.given.fundingRound({ lines: [{ label: 'Seeds', amountCents: 50_000, essential: true }] });
    await t.allocate(members[0]!, bucket!.id, 25_000).expect(200);
    await t.allocate(members[1]!, bucket!.id, 25_000).expect(200);
    await close(admin, round.id).expect(200);
    expect(await statusOf(bucket!.id)).toBe('funded');
  });

  it('records the close and each project’s outcome in the round’s history', async () => {
    const { round, admin, full, short } = await roundWithOneShortBucket();
    await close(admin, round.id).expect(200);
    const decisions = await decisionsOf(round.id);
    expect(decisions).toContainEqual(expect.objectContaining({ kind: 'bucket_funded', bucket_id: full.id, actor_id: admin.membershipId, data: { fundedCents: 110_000 } }));
    expect(decisions).toContainEqual(expect.objectContaining({ kind: 'bucket_not_funded', bucket_id: short.id, data: expect.objectContaining({ reason: 'minimum_not_reached', returnedCents: 5_000 }) }));
    expect(decisions.filter((d) => d.kind === 'phase_changed')).toEqual([
      expect.objectContaining({ actor_id: admin.membershipId, data: { from: 'funding', to: 'closed', funded: 1, notFunded: 1, awaitingBoard: 0, returnedCents: 5_000 } }),
    ]);
  });

  it('announces the round, every settled project and the refunded members after the commit', async () => {
    const { round, admin, alice, carol, full, short } = await roundWithOneShortBucket();
    const seen: RoundChange[] = [];
    const stop = t.app.changes.subscribe((change) => void (change.roundId === round.id && seen.push(change)));
    await close(admin, round.id).expect(200);
    stop();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ roundId: round.id, round: true });
    expect(new Set(seen[0]!.bucketIds)).toEqual(new Set([full.id, short.id]));
    expect(new Set(seen[0]!.membershipIds)).toEqual(new Set([alice.membershipId, carol.membershipId]));
  });

  it('refuses allocations once the round is closed', async () => {
    const { round, admin, members: [alice], buckets: [bucket] } = await t.given.fundingRound();
    await close(admin, round.id).expect(200);
    const res = await t.allocate(alice!, bucket!.id, 1_000);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('round_not_funding');
  });

  it('refuses to close a round twice', async () => {
    const { round, admin } = await t.given.fundingRound();
    await close(admin, round.id).expect(200);
    const again = await close(admin, round.id);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'round_not_funding', phase: 'closed' });
  });

  it.each(['draft', 'proposals'] as const)('refuses to close a round in %s', async (phase) => {
    const admin = await t.given.admin();
    const round = await t.given.round(admin.organisationId, { phase });
    const res = await close(admin, round.id);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('round_not_funding');
    expect(await phaseOf(round.id)).toBe(phase);
  });

  it('never closes a permanent round', async () => {
    const { round, admin } = await t.given.fundingRound({ round: { kind: 'permanent' } });
    const res = await close(admin, round.id);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('permanent_round');
    expect(await phaseOf(round.id)).toBe('funding');
  });

  it('is for admins only: a member or an accountant gets 403', async () => {
    const { round, admin, members: [alice] } = await t.given.fundingRound();
    const accountant = await t.given.member({ organisationId: admin.organisationId, role: 'accountant' });
    expect((await close(alice!, round.id)).status).toBe(403);
    expect((await close(accountant, round.id)).status).toBe(403);
    expect(await phaseOf(round.id)).toBe('funding');
  });

  it('hides another organisation’s round as a 404 and needs a session', async () => {
    const { round } = await t.given.fundingRound();
    const stranger = await t.given.admin();
    expect((await close(stranger, round.id)).status).toBe(404);
    expect((await request(t.app.server).post(`/api/rounds/${round.id}/close`).send()).status).toBe(401);
    expect(await phaseOf(round.id)).toBe('funding');
  });

  it('names the field of a malformed round id', async () => {
    const admin = await t.given.admin();
    const res = await close(admin, 'not-a-uuid');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('params.roundId');
  });
});

describe('exactly once', () => {
  it('lets one of two simultaneous closes win and settles once', async () => {
    const { round, admin } = await roundWithOneShortBucket();
    const replies = await Promise.all([close(admin, round.id), close(admin, round.id)]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await ledgerCount(round.id, 'return')).toBe(2);
    expect((await decisionsOf(round.id)).filter((d) => d.kind === 'phase_changed')).toHaveLength(1);
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
  });

  it('closes once when an admin and the scheduler close at the same moment', async () => {
    const { round, admin } = await roundWithOneShortBucket({ closesAt: new Date(t.clock.now().getTime() + HOUR) });
    t.clock.advance(HOUR);
    const [manual] = await Promise.all([close(admin, round.id), t.app.jobs.runDue(), t.app.jobs.runDue()]);
    expect([200, 409]).toContain(manual.status);
    expect(await phaseOf(round.id)).toBe('closed');
    expect(await ledgerCount(round.id, 'return')).toBe(2);
    expect((await decisionsOf(round.id)).filter((d) => d.kind === 'phase_changed')).toHaveLength(1);
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
  });
});

describe('the scheduled close', () => {
  it('closes a round once its close date has come, with no actor', async () => {
    const { round, short } = await roundWithOneShortBucket({ closesAt: new Date(t.clock.now().getTime() + 2 * HOUR) });
    t.clock.advance(2 * HOUR);
    await t.app.jobs.runDue();
    expect(await phaseOf(round.id)).toBe('closed');
    expect(await statusOf(short.id)).toBe('not_funded');
    const [closed] = await q(sql`SELECT (extract(epoch FROM closed_at) * 1000)::bigint AS ms FROM rounds WHERE id = ${round.id}`);
    expect(closed!.ms).toBe(t.clock.now().getTime());
    expect((await decisionsOf(round.id)).find((d) => d.kind === 'phase_changed')).toMatchObject({ actor_id: null });
    const returns = await q(sql`SELECT entered_by FROM ledger WHERE round_id = ${round.id} AND kind = 'return'`);
    expect(returns.every((r) => r.entered_by === null)).toBe(true);
  });

  it('leaves a round whose close date has not come', async () => {
    const { round } = await t.given.fundingRound({ round: { closesAt: new Date(t.clock.now().getTime() + HOUR) } });
    t.clock.advance(HOUR - 1_000);
    await t.app.jobs.runDue();
    expect(await phaseOf(round.id)).toBe('funding');
  });

  it('settles once when several instances run the job together', async () => {
    const { round } = await roundWithOneShortBucket({ closesAt: new Date(t.clock.now().getTime() + HOUR) });
    t.clock.advance(HOUR);
    await Promise.all([t.app.jobs.runDue(), t.app.jobs.runDue(), t.app.jobs.runDue()]);
    expect(await ledgerCount(round.id, 'return')).toBe(2);
    expect((await decisionsOf(round.id)).filter((d) => d.kind === 'phase_changed')).toHaveLength(1);
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
  });
});
