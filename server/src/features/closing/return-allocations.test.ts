import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { testApp, type TestContext } from '../../../test/harness.ts';
import { moneyViolations } from '../../../test/invariants.ts';
import type { Member } from '../../../test/given.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const returnAllocations = (as: Member, roundId: string, membershipId: string, body: Record<string, unknown> = { reason: 'Left the cooperative' }) =>
  request(t.app.server).post(`/api/rounds/${roundId}/participants/${membershipId}/return-allocations`).set(t.given.authFor(as)).send(body);

const q = async (query: ReturnType<typeof sql>) => (await t.db.execute(query)).rows as Record<string, unknown>[];
const deactivate = (member: Member) => t.db.execute(sql`UPDATE memberships SET active = false, deactivated_at = now() WHERE id = ${member.membershipId}`);
const fundedOf = async (bucketId: string) => (await q(sql`SELECT funded_cents FROM buckets WHERE id = ${bucketId}`))[0]?.funded_cents;

describe('POST /api/rounds/:roundId/participants/:membershipId/return-allocations', () => {
  it('sends a deactivated member’s allocations back to their allowance', async () => {
    const { round, admin, members: [alice, bob], buckets: [one, two] } = await t.given.fundingRound({ buckets: 2 });
    await t.allocate(alice!, one!.id, 10_000).expect(200);
    await t.allocate(alice!, two!.id, 5_000).expect(200);
    await t.allocate(bob!, one!.id, 7_000).expect(200);
    await deactivate(alice!);

    const res = await returnAllocations(admin, round.id, alice!.membershipId);
    expect(res.status).toBe(200);
    expect(res.body.returnedCents).toBe(15_000);
    expect(new Set(res.body.bucketIds)).toEqual(new Set([one!.id, two!.id]));
    expect(await fundedOf(one!.id)).toBe(7_000);
    expect(await fundedOf(two!.id)).toBe(0);
    const rows = await q(sql`SELECT delta_cents, reason, entered_by FROM ledger WHERE round_id = ${round.id} AND kind = 'return' ORDER BY delta_cents`);
    expect(rows).toEqual([
      { delta_cents: -10_000, reason: 'Left the cooperative', entered_by: admin.membershipId },
      { delta_cents: -5_000, reason: 'Left the cooperative', entered_by: admin.membershipId },
    ]);
    const [decision] = await q(sql`SELECT actor_id, data FROM decisions WHERE round_id = ${round.id} AND kind = 'allocations_returned'`);
    expect(decision).toMatchObject({ actor_id: admin.membershipId, data: { membershipId: alice!.membershipId, returnedCents: 15_000 } });
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
  });

  it('leaves a deactivated member’s allocations in place until an admin returns them', async () => {
    const { round, members: [alice], buckets: [bucket] } = await t.given.fundingRound();
    await t.allocate(alice!, bucket!.id, 10_000).expect(200);
    await deactivate(alice!);
    expect(await fundedOf(bucket!.id)).toBe(10_000);
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
  });

  it('keeps, in a permanent round, the money committed to a project that reached its minimum', async () => {
    const lines = [{ label: 'Bench', amountCents: 50_000, essential: true }, { label: 'Paint', amountCents: 50_000, essential: false }];
    const { round, admin, members: [alice, bob], buckets: [reached, short] } = await t.given.fundingRound({
      buckets: 2,
      lines,
      round: { kind: 'permanent', defaultAllowanceCents: 100_000 },
    });
    await t.allocate(alice!, reached!.id, 20_000).expect(200);
    await t.allocate(bob!, reached!.id, 30_000).expect(200);
    await t.allocate(alice!, short!.id, 8_000).expect(200);
    await deactivate(alice!);

    const res = await returnAllocations(admin, round.id, alice!.membershipId);
    expect(res.body).toMatchObject({ returnedCents: 8_000, bucketIds: [short!.id] });
    expect(await fundedOf(reached!.id)).toBe(50_000);
    expect(await fundedOf(short!.id)).toBe(0);
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
  });

  it('refuses an active member: they change their own allocations', async () => {
    const { round, admin, members: [alice], buckets: [bucket] } = await t.given.fundingRound();
    await t.allocate(alice!, bucket!.id, 10_000).expect(200);
    const res = await returnAllocations(admin, round.id, alice!.membershipId);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('member_active');
    expect(await fundedOf(bucket!.id)).toBe(10_000);
  });

  it('refuses once the round is closed: only settlement moves money then', async () => {
    const { round, admin, members: [alice], buckets: [bucket] } = await t.given.fundingRound({ round: { shortfallRule: 'board' } });
    await t.allocate(alice!, bucket!.id, 10_000).expect(200);
    await request(t.app.server).post(`/api/rounds/${round.id}/close`).set(t.given.authFor(admin)).send().expect(200);
    await deactivate(alice!);
    const res = await returnAllocations(admin, round.id, alice!.membershipId);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'round_not_funding', phase: 'closed' });
    expect(await fundedOf(bucket!.id)).toBe(10_000);
  });

  it('answers 404 for someone who does not take part in the round', async () => {
    const { round, admin } = await t.given.fundingRound();
    const stranger = await t.given.member();
    expect((await returnAllocations(admin, round.id, stranger.membershipId)).status).toBe(404);
  });

  it('needs a reason', async () => {
    const { round, admin, members: [alice] } = await t.given.fundingRound();
    const res = await returnAllocations(admin, round.id, alice!.membershipId, {});
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.reason');
  });

  it('is for admins only, hides another organisation’s round and needs a session', async () => {
    const { round, admin, members: [alice, bob] } = await t.given.fundingRound();
    await deactivate(alice!);
    const accountant = await t.given.member({ organisationId: admin.organisationId, role: 'accountant' });
    expect((await returnAllocations(bob!, round.id, alice!.membershipId)).status).toBe(403);
    expect((await returnAllocations(accountant, round.id, alice!.membershipId)).status).toBe(403);
    expect((await returnAllocations(await t.given.admin(), round.id, alice!.membershipId)).status).toBe(404);
    const anonymous = await request(t.app.server).post(`/api/rounds/${round.id}/participants/${alice!.membershipId}/return-allocations`).send({ reason: 'x' });
    expect(anonymous.status).toBe(401);
  });
});
