import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { testApp, type TestContext } from '../../../test/harness.ts';
import { moneyViolations } from '../../../test/invariants.ts';
import type { Given, Member } from '../../../test/given.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const resultsOf = (as: Member, roundId: string) => request(t.app.server).get(`/api/rounds/${roundId}/results`).set(t.given.authFor(as));
const receiptOf = (as: Member, roundId: string) => request(t.app.server).get(`/api/rounds/${roundId}/receipt`).set(t.given.authFor(as));

/**
 * Four allowances of 43,000 (the admin takes part too). Alice 40,000, Bob 40,000 and Carol 20,001
 * fund A (min 100,000); Carol 1,234 and the admin 5,555 go to B, which misses its minimum.
 */
async function scenario(round: NonNullable<Parameters<Given['fundingRound']>[0]>['round'] = {}, close = true) {
  const given = await t.given.fundingRound({ buckets: 2, round });
  const [alice, bob, carol] = given.members as [Member, Member, Member];
  const a = given.buckets[0]!;
  const b = given.buckets[1]!;
  await t.allocate(alice, a.id, 40_000).expect(200);
  await t.allocate(bob, a.id, 40_000).expect(200);
  await t.allocate(carol, a.id, 20_001).expect(200);
  await t.allocate(carol, b.id, 1_234).expect(200);
  await t.allocate(given.admin, b.id, 5_555).expect(200);
  if (close) await request(t.app.server).post(`/api/rounds/${given.round.id}/close`).set(t.given.authFor(given.admin)).send().expect(200);
  return { ...given, alice, bob, carol, a, b };
}

describe('GET /api/rounds/:roundId/results', () => {
  it('gives each project’s outcome and the totals to the cent, reconciled with the ledger', async () => {
    const { round, alice, a, b } = await scenario();
    const res = await resultsOf(alice, round.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ final: true, participants: 4, round: { id: round.id, phase: 'closed', currency: 'EUR' } });
    expect(res.body.buckets).toEqual([
      { bucketId: a.id, title: a.title, status: 'funded', fundedCents: 100_001, minCents: 100_000, maxCents: 150_000, contributors: 3, contributorNames: null, returnedCents: 0 },
      { bucketId: b.id, title: b.title, status: 'not_funded', fundedCents: 0, minCents: 100_000, maxCents: 150_000, contributors: 0, contributorNames: null, returnedCents: 6_789 },
    ]);
    const expected = { allowancesCents: 172_000, inFundedBucketsCents: 100_001, pendingCents: 0, unspentCents: 71_999, elsewhereCents: 0 };
    expect(res.body.totals).toEqual(expected);
    expect(res.body.fromLedger).toEqual(expected);
    expect(res.body.returnedCents).toBe(6_789);
    expect(res.body.reconciled).toBe(true);
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
  });

  it('names the contributors when the round shows them', async () => {
    const { round, alice, bob, carol, a } = await scenario({ contributorsVisible: true });
    const res = await resultsOf(alice, round.id);
    expect(res.body.buckets.find((x: { bucketId: string }) => x.bucketId === a.id).contributorNames).toEqual([alice.name, bob.name, carol.name].sort());
  });

  it('counts money still awaiting the board as pending', async () => {
    const { round, alice } = await scenario({ shortfallRule: 'board' });
    const res = await resultsOf(alice, round.id);
    expect(res.body.totals).toEqual({ allowancesCents: 172_000, inFundedBucketsCents: 100_001, pendingCents: 6_789, unspentCents: 65_210, elsewhereCents: 0 });
    expect(res.body.reconciled).toBe(true);
  });

  it('says the books do not reconcile when a stored total drifts from the ledger', async () => {
    const { round, alice } = await scenario();
    await t.db.execute(sql`UPDATE participants SET allowance_cents = allowance_cents + 1 WHERE round_id = ${round.id} AND membership_id = ${alice.membershipId}`);
    const res = await resultsOf(alice, round.id);
    expect(res.body.totals.allowancesCents).toBe(172_001);
    expect(res.body.fromLedger.allowancesCents).toBe(172_000);
    expect(res.body.reconciled).toBe(false);
  });

  it('hides a one-off round’s results from members until it closes', async () => {
    const { round, alice, admin } = await scenario({}, false);
    const reviewer = await t.given.member({ organisationId: admin.organisationId, role: 'reviewer' });
    for (const who of [alice, reviewer]) {
      const res = await resultsOf(who, round.id);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('round_not_closed');
    }
  });

  it('lets admins and accountants follow the results live', async () => {
    const { round, admin } = await scenario({}, false);
    const accountant = await t.given.member({ organisationId: admin.organisationId, role: 'accountant' });
    for (const who of [admin, accountant]) {
      const res = await resultsOf(who, round.id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ final: false, reconciled: true, totals: { inFundedBucketsCents: 0, pendingCents: 106_790, unspentCents: 65_210 } });
    }
  });

  it('hides another organisation’s round as a 404 and needs a session', async () => {
    const { round } = await scenario();
    expect((await resultsOf(await t.given.member(), round.id)).status).toBe(404);
    expect((await request(t.app.server).get(`/api/rounds/${round.id}/results`)).status).toBe(401);
  });
});

describe('GET /api/rounds/:roundId/receipt', () => {
  it('tells a member what they were granted, gave, got back and did not spend', async () => {
    const { round, carol, a, b } = await scenario();
    const res = await receiptOf(carol, round.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      roundId: round.id,
      currency: 'EUR',
      final: true,
      participating: true,
      allowanceCents: 43_000,
      grants: [{ amountCents: 43_000, reason: 'initial allowance' }],
      lines: [
        { bucketId: a.id, title: a.title, status: 'funded', givenCents: 20_001, returnedCents: 0, inBucketCents: 20_001, outcome: 'funded' },
        { bucketId: b.id, title: b.title, status: 'not_funded', givenCents: 1_234, returnedCents: 1_234, inBucketCents: 0, outcome: 'returned' },
      ],
      inFundedBucketsCents: 20_001,
      pendingCents: 0,
      returnedCents: 1_234,
      unspentCents: 22_999,
    });
    expect(res.body.allowanceCents).toBe(res.body.inFundedBucketsCents + res.body.pendingCents + res.body.unspentCents);
  });

  it('shows money awaiting the board as pending', async () => {
    const { round, carol, b } = await scenario({ shortfallRule: 'board' });
    const res = await receiptOf(carol, round.id);
    expect(res.body.lines).toContainEqual(expect.objectContaining({ bucketId: b.id, status: 'awaiting_board', inBucketCents: 1_234, outcome: 'awaiting_board' }));
    expect(res.body).toMatchObject({ inFundedBucketsCents: 20_001, pendingCents: 1_234, returnedCents: 0, unspentCents: 21_765 });
  });

  it('is available while the round is funding, not yet final', async () => {
    const { round, alice, a } = await scenario({}, false);
    const res = await receiptOf(alice, round.id);
    expect(res.body).toMatchObject({ final: false, pendingCents: 40_000, unspentCents: 3_000, lines: [{ bucketId: a.id, outcome: 'open' }] });
  });

  it('leaves out a project I put money into and then took it all back', async () => {
    const { round, members: [alice], buckets: [bucket] } = await t.given.fundingRound();
    await t.allocate(alice!, bucket!.id, 5_000).expect(200);
    await t.allocate(alice!, bucket!.id, 0).expect(200);
    expect((await receiptOf(alice!, round.id)).body.lines).toEqual([]);
  });

  it('says a member without an allowance in the round does not take part', async () => {
    const { round, admin } = await scenario();
    const latecomer = await t.given.member({ organisationId: admin.organisationId });
    const res = await receiptOf(latecomer, round.id);
    expect(res.body).toMatchObject({ participating: false, allowanceCents: 0, lines: [], unspentCents: 0 });
  });

  it('hides another organisation’s round as a 404 and needs a session', async () => {
    const { round } = await scenario();
    expect((await receiptOf(await t.given.member(), round.id)).status).toBe(404);
    expect((await request(t.app.server).get(`/api/rounds/${round.id}/receipt`)).status).toBe(401);
  });
});
