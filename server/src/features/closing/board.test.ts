import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { testApp, type TestContext } from '../../../test/harness.ts';
import { moneyViolations } from '../../../test/invariants.ts';
import type { Member } from '../../../test/given.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const decide = (as: Member, bucketId: string, body: Record<string, unknown>) =>
  request(t.app.server).post(`/api/buckets/${bucketId}/board-decision`).set(t.given.authFor(as)).send(body);

const q = async (query: ReturnType<typeof sql>) => (await t.db.execute(query)).rows as Record<string, unknown>[];

/** A closed round under the board rule whose only project got 90,000 of its 100,000 minimum. */
async function awaitingBoard() {
  const given = await t.given.fundingRound({ round: { shortfallRule: 'board' } });
  const [alice, bob, carol] = given.members as [Member, Member, Member];
  const bucket = given.buckets[0]!;
  await t.allocate(alice, bucket.id, 40_000).expect(200);
  await t.allocate(bob, bucket.id, 40_000).expect(200);
  await t.allocate(carol, bucket.id, 10_000).expect(200);
  await request(t.app.server).post(`/api/rounds/${given.round.id}/close`).set(t.given.authFor(given.admin)).send().expect(200);
  return { ...given, alice, bob, carol, bucket };
}

describe('POST /api/buckets/:bucketId/board-decision', () => {
  it('accepts a project awaiting the board: it is funded with what it got', async () => {
    const { round, admin, bucket } = await awaitingBoard();
    const res = await decide(admin, bucket.id, { decision: 'accept', reason: 'The association tops it up' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ bucketId: bucket.id, status: 'funded', fundedCents: 90_000, returnedCents: 0, refundedMembers: 0 });
    const [decision] = await q(sql`SELECT actor_id, reason, data FROM decisions WHERE bucket_id = ${bucket.id} AND kind = 'board_accepted'`);
    expect(decision).toEqual({ actor_id: admin.membershipId, reason: 'The association tops it up', data: { fundedCents: 90_000, minCents: 100_000 } });
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
  });

  it('returns the money of a project awaiting the board to each member', async () => {
    const { round, admin, alice, carol, bucket } = await awaitingBoard();
    const res = await decide(admin, bucket.id, { decision: 'return', reason: 'Too far from its minimum' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'not_funded', fundedCents: 0, returnedCents: 90_000, refundedMembers: 3 });
    const returns = await q(sql`
      SELECT p.membership_id, l.delta_cents, l.reason, l.entered_by FROM ledger l JOIN participants p ON p.id = l.participant_id
      WHERE l.bucket_id = ${bucket.id} AND l.kind = 'return'`);
    expect(returns).toHaveLength(3);
    expect(returns).toContainEqual({ membership_id: alice.membershipId, delta_cents: -40_000, reason: 'Too far from its minimum', entered_by: admin.membershipId });
    expect(returns).toContainEqual({ membership_id: carol.membershipId, delta_cents: -10_000, reason: 'Too far from its minimum', entered_by: admin.membershipId });
    const [decision] = await q(sql`SELECT data FROM decisions WHERE bucket_id = ${bucket.id} AND kind = 'board_returned'`);
    expect(decision!.data).toEqual({ returnedCents: 90_000, refundedMembers: 3 });
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
  });

  it('shows the refund in the member’s receipt', async () => {
    const { round, admin, carol, bucket } = await awaitingBoard();
    await decide(admin, bucket.id, { decision: 'return', reason: 'No' }).expect(200);
    const receipt = await request(t.app.server).get(`/api/rounds/${round.id}/receipt`).set(t.given.authFor(carol));
    expect(receipt.body).toMatchObject({ unspentCents: 43_000, returnedCents: 10_000, lines: [{ bucketId: bucket.id, givenCents: 10_000, returnedCents: 10_000, inBucketCents: 0, outcome: 'returned' }] });
  });

  it('refuses a second decision on the same project', async () => {
    const { admin, bucket } = await awaitingBoard();
    await decide(admin, bucket.id, { decision: 'accept', reason: 'Yes' }).expect(200);
    const again = await decide(admin, bucket.id, { decision: 'return', reason: 'Changed our mind' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'bucket_not_awaiting_board', bucketStatus: 'funded' });
  });

  it('lets exactly one of two simultaneous decisions through', async () => {
    const { round, admin, bucket } = await awaitingBoard();
    const replies = await Promise.all([
      decide(admin, bucket.id, { decision: 'accept', reason: 'Yes' }),
      decide(admin, bucket.id, { decision: 'return', reason: 'No' }),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
  });

  it('refuses a project that is open, in a round still funding', async () => {
    const { admin, buckets: [bucket] } = await t.given.fundingRound({ round: { shortfallRule: 'board' } });
    const res = await decide(admin, bucket!.id, { decision: 'accept', reason: 'Early' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'bucket_not_awaiting_board', bucketStatus: 'open' });
  });

  it.each(['funded', 'not_funded'] as const)('refuses a %s project', async (status) => {
    const { round, admin } = await t.given.fundingRound();
    const bucket = await t.given.bucket(round.id, admin, { status });
    const res = await decide(admin, bucket.id, { decision: 'return', reason: 'No' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('bucket_not_awaiting_board');
  });

  it('needs a reason and a known decision', async () => {
    const { admin, bucket } = await awaitingBoard();
    const noReason = await decide(admin, bucket.id, { decision: 'accept' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].path).toBe('body.reason');
    const blank = await decide(admin, bucket.id, { decision: 'accept', reason: '   ' });
    expect(blank.status).toBe(400);
    const unknown = await decide(admin, bucket.id, { decision: 'maybe', reason: 'Hmm' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].path).toBe('body.decision');
  });

  it('is for admins only: a member or an accountant gets 403', async () => {
    const { admin, alice, bucket } = await awaitingBoard();
    const accountant = await t.given.member({ organisationId: admin.organisationId, role: 'accountant' });
    expect((await decide(alice, bucket.id, { decision: 'accept', reason: 'Mine' })).status).toBe(403);
    expect((await decide(accountant, bucket.id, { decision: 'accept', reason: 'Mine' })).status).toBe(403);
  });

  it('hides another organisation’s project as a 404 and needs a session', async () => {
    const { bucket } = await awaitingBoard();
    const stranger = await t.given.admin();
    expect((await decide(stranger, bucket.id, { decision: 'accept', reason: 'Mine' })).status).toBe(404);
    expect((await request(t.app.server).post(`/api/buckets/${bucket.id}/board-decision`).send({ decision: 'accept', reason: 'x' })).status).toBe(401);
  });
});
