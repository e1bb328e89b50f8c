import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testApp, type TestContext } from '../../../test/harness.ts';
import type { Member } from '../../../test/given.ts';
import { comments } from '../../db/schema.ts';
import { bucketHelpers } from '../../../test/bucket-helpers.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());
const { as, anonymous, addProposers, decisionsOf, mailsTo, proposerRow } = bucketHelpers(() => t);

type Status = 'draft' | 'proposed' | 'open' | 'withdrawn' | 'rejected' | 'funded';

async function twoBuckets(source: Status = 'proposed', target: Status = 'proposed', round: Parameters<TestContext['given']['round']>[1] = {}) {
  const org = await t.given.org();
  const alice = await t.given.member({ organisationId: org.id, name: 'Alice' });
  const bob = await t.given.member({ organisationId: org.id, name: 'Bob' });
  const reviewer = await t.given.member({ organisationId: org.id, role: 'reviewer' });
  const r = await t.given.round(org.id, round);
  const from = await t.given.bucket(r.id, alice, { status: source, title: 'Bread oven' });
  const into = await t.given.bucket(r.id, bob, { status: target, title: 'Community kitchen' });
  return { org, alice, bob, reviewer, round: r, from, into };
}

const merge = (member: Member, fromId: string, intoBucketId: string, reason = 'Same idea, same street') =>
  as(member).post(`/api/buckets/${fromId}/merge`, { intoBucketId, reason });

describe('POST /api/buckets/:bucketId/merge', () => {
  it('marks the source merged into the target, with the reason and a decision', async () => {
    const { reviewer, round, from, into } = await twoBuckets();
    const res = await merge(reviewer, from.id, into.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'merged', mergedIntoId: into.id, statusReason: 'Same idea, same street' });
    expect(await decisionsOf(from.id)).toEqual([
      expect.objectContaining({ kind: 'bucket_merged', roundId: round.id, actorId: reviewer.membershipId, data: { intoBucketId: into.id, addedProposers: 1, movedComments: 0 } }),
    ]);
  });

  it("makes the source's accepted proposers accepted proposers of the target, once each", async () => {
    const { org, alice, bob, reviewer, from, into } = await twoBuckets();
    const carol = await t.given.member({ organisationId: org.id });
    const dave = await t.given.member({ organisationId: org.id });
    const erin = await t.given.member({ organisationId: org.id });
    await addProposers(from.id, [bob, carol]);
    await addProposers(from.id, [dave], 'invited');
    await addProposers(into.id, [carol], 'invited');
    await merge(reviewer, from.id, into.id).expect(200);
    const target = await as(bob).get(`/api/buckets/${into.id}`);
    const statuses = Object.fromEntries(target.body.proposers.map((p: { membershipId: string; status: string }) => [p.membershipId, p.status]));
    expect(statuses).toEqual({ [alice.membershipId]: 'accepted', [bob.membershipId]: 'accepted', [carol.membershipId]: 'accepted' });
    expect(await proposerRow(into.id, erin.membershipId)).toBeUndefined();
  });

  it("moves the source's comments to the target", async () => {
    const { alice, reviewer, from, into } = await twoBuckets();
    await t.db.insert(comments).values([
      { bucketId: from.id, authorId: alice.membershipId, body: 'First' },
      { bucketId: from.id, authorId: reviewer.membershipId, body: 'Second' },
    ]);
    const res = await merge(reviewer, from.id, into.id);
    expect(res.status).toBe(200);
    const moved = await t.db.select().from(comments).where(eq(comments.bucketId, into.id));
    expect(moved.map((c) => c.body).sort()).toEqual(['First', 'Second']);
    expect((await decisionsOf(from.id))[0]?.data).toMatchObject({ movedComments: 2 });
  });

  it("tells the source's proposers where their project went", async () => {
    const { alice, reviewer, from, into } = await twoBuckets();
    await merge(reviewer, from.id, into.id).expect(200);
    const [mail] = await mailsTo(alice.email);
    expect(mail?.subject).toBe('Votre projet « Bread oven » a été fusionné avec « Community kitchen »');
    expect(mail?.body).toContain(`/buckets/${into.id}`);
  });

  it.each([
    ['draft', 'open'],
    ['open', 'draft'],
  ] as const)('merges a %s bucket into a %s one', async (source, target) => {
    const { reviewer, from, into } = await twoBuckets(source, target);
    expect((await merge(reviewer, from.id, into.id)).status).toBe(200);
  });

  it('lets an admin merge and refuses a member, even a proposer of both, with a 403', async () => {
    const { org, alice, from, into } = await twoBuckets();
    await addProposers(into.id, [alice]);
    expect((await merge(alice, from.id, into.id)).status).toBe(403);
    expect((await merge(await t.given.admin(org.id), from.id, into.id)).status).toBe(200);
  });

  it.each(['withdrawn', 'rejected', 'funded'] as const)('refuses to merge a %s bucket', async (status) => {
    const { reviewer, from, into } = await twoBuckets(status);
    const res = await merge(reviewer, from.id, into.id);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('transition_not_allowed');
  });

  it('refuses to merge a merged bucket again', async () => {
    const { reviewer, from, into, round, alice } = await twoBuckets();
    const third = await t.given.bucket(round.id, alice, { status: 'proposed' });
    await merge(reviewer, from.id, into.id).expect(200);
    expect((await merge(reviewer, from.id, third.id)).body.code).toBe('transition_not_allowed');
  });

  it.each(['withdrawn', 'rejected'] as const)('refuses a %s target', async (status) => {
    const { reviewer, from, into } = await twoBuckets('proposed', status);
    const res = await merge(reviewer, from.id, into.id);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'merge_target_not_active', targetStatus: status });
  });

  it('refuses to merge a bucket into itself', async () => {
    const { reviewer, from } = await twoBuckets();
    expect((await merge(reviewer, from.id, from.id)).body.code).toBe('merge_into_itself');
  });

  it('refuses buckets of different rounds', async () => {
    const { org, alice, reviewer, from } = await twoBuckets();
    const otherRound = await t.given.round(org.id);
    const elsewhere = await t.given.bucket(otherRound.id, alice, { status: 'proposed' });
    const res = await merge(reviewer, from.id, elsewhere.id);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('different_rounds');
  });

  it("treats another organisation's target as unknown", async () => {
    const { reviewer, from } = await twoBuckets();
    const { into: foreign } = await twoBuckets();
    expect((await merge(reviewer, from.id, foreign.id)).status).toBe(404);
  });

  it('is too late once a one-off round is funding', async () => {
    const { reviewer, from, into } = await twoBuckets('open', 'open', { phase: 'funding' });
    const res = await merge(reviewer, from.id, into.id);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('too_late_to_merge');
  });

  it('refuses a source that already holds money (a permanent round funding)', async () => {
    const { admin, members: [alice], buckets: [from, into] } = await t.given.fundingRound({ buckets: 2, round: { kind: 'permanent' } });
    await as(alice as Member).allocate(from!.id, 1_000);
    const res = await merge(admin, from!.id, into!.id);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'bucket_has_funds', fundedCents: 1_000 });
  });

  it('merges an open bucket with no money yet in a permanent round', async () => {
    const { admin, buckets: [from, into] } = await t.given.fundingRound({ buckets: 2, round: { kind: 'permanent' } });
    expect((await merge(admin, from!.id, into!.id)).status).toBe(200);
  });

  it('needs a target and a reason', async () => {
    const { reviewer, from } = await twoBuckets();
    const res = await as(reviewer).post(`/api/buckets/${from.id}/merge`, { reason: '' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.intoBucketId', 'body.reason']);
  });

  it('is a 404 for another organisation and a 401 when not signed in', async () => {
    const { from, into } = await twoBuckets();
    expect((await merge(await t.given.admin(), from.id, into.id)).status).toBe(404);
    expect((await anonymous.post(`/api/buckets/${from.id}/merge`, { intoBucketId: into.id, reason: 'x' })).status).toBe(401);
  });

  it('survives two opposite merges at once: exactly one wins', async () => {
    const { org, reviewer, from, into } = await twoBuckets();
    const admin = await t.given.admin(org.id);
    const results = await Promise.all([merge(reviewer, from.id, into.id), merge(admin, into.id, from.id)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });
});
