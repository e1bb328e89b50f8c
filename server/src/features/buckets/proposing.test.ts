import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testApp, type TestContext } from '../../../test/harness.ts';
import type { Member } from '../../../test/given.ts';
import { moneyViolations } from '../../../test/invariants.ts';
import { buckets, memberships } from '../../db/schema.ts';
import { bucketHelpers, lines, newBucket } from '../../../test/bucket-helpers.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());
const { as, anonymous, addProposers, decisionsOf } = bucketHelpers(() => t);

async function setting(values: Parameters<TestContext['given']['round']>[1] = {}) {
  const org = await t.given.org();
  const member = await t.given.member({ organisationId: org.id, name: 'Alice' });
  const round = await t.given.round(org.id, values);
  return { org, member, round };
}

describe('POST /api/rounds/:roundId/buckets', () => {
  it('creates a draft carried by its author, with min and max from the budget lines', async () => {
    const { member, round } = await setting();
    const res = await as(member).post(`/api/rounds/${round.id}/buckets`, newBucket({ imageUrl: 'https://img.example/oven.jpg' }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      roundId: round.id,
      title: 'A shared bread oven',
      status: 'draft',
      minCents: 100_000,
      maxCents: 150_000,
      fundedCents: 0,
      revision: 1,
      tags: ['food', 'neighbours'],
      imageUrl: 'https://img.example/oven.jpg',
      mergedIntoId: null,
      statusReason: null,
      createdBy: member.membershipId,
      funding: { state: 'below_minimum', missingToMinimumCents: 100_000, roomLeftCents: 150_000 },
    });
    expect(res.body.descriptionHtml).toBe('<p>We <strong>bake</strong> together.</p>\n');
    expect(res.body.proposers).toEqual([expect.objectContaining({ membershipId: member.membershipId, name: 'Alice', status: 'accepted' })]);
    expect(res.body.budgetLines).toEqual([lines.essential(), lines.optional()]);
  });

  it('takes proposals in a permanent round that is funding', async () => {
    const { member, round } = await setting({ kind: 'permanent', phase: 'funding' });
    expect((await as(member).post(`/api/rounds/${round.id}/buckets`, newBucket())).status).toBe(201);
  });

  it.each(['draft', 'funding', 'closed'] as const)('refuses proposals in a one-off round in its %s phase', async (phase) => {
    const { member, round } = await setting({ phase });
    const res = await as(member).post(`/api/rounds/${round.id}/buckets`, newBucket());
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'round_not_accepting_proposals', phase });
  });

  it('refuses a member of another organisation with a 404', async () => {
    const { round } = await setting();
    const stranger = await t.given.member();
    expect((await as(stranger).post(`/api/rounds/${round.id}/buckets`, newBucket())).status).toBe(404);
  });

  it('refuses a deactivated member with a 404', async () => {
    const { member, round } = await setting();
    await t.db.update(memberships).set({ active: false }).where(eq(memberships.id, member.membershipId));
    expect((await as(member).post(`/api/rounds/${round.id}/buckets`, newBucket())).status).toBe(404);
  });

  it('refuses an anonymous caller with a 401', async () => {
    const { round } = await setting();
    expect((await anonymous.post(`/api/rounds/${round.id}/buckets`, newBucket())).status).toBe(401);
  });

  describe('validation, naming the field', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['an empty budget', { budgetLines: [] }, 'body.budgetLines'],
      ['a budget with no essential line', { budgetLines: [lines.optional()] }, 'body.budgetLines'],
      ['a negative amount', { budgetLines: [lines.essential(-5)] }, 'body.budgetLines.0.amountCents'],
      ['a zero amount', { budgetLines: [lines.essential(0)] }, 'body.budgetLines.0.amountCents'],
      ['a fractional amount', { budgetLines: [lines.essential(10.5)] }, 'body.budgetLines.0.amountCents'],
      ['51 lines', { budgetLines: Array.from({ length: 51 }, (_, i) => lines.essential(100, `Line ${i}`)) }, 'body.budgetLines'],
      ['an empty line label', { budgetLines: [lines.essential(100, '')] }, 'body.budgetLines.0.label'],
      ['a line label over 200 characters', { budgetLines: [lines.essential(100, 'x'.repeat(201))] }, 'body.budgetLines.0.label'],
      ['a missing title', { title: undefined }, 'body.title'],
      ['eleven tags', { tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, 'body.tags'],
      ['an image that is not https', { imageUrl: 'http://img.example/a.jpg' }, 'body.imageUrl'],
    ];
    it.each(cases)('refuses %s', async (_name, overrides, path) => {
      const { member, round } = await setting();
      const res = await as(member).post(`/api/rounds/${round.id}/buckets`, newBucket(overrides));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    });

    it('accepts 50 lines', async () => {
      const { member, round } = await setting();
      const res = await as(member).post(`/api/rounds/${round.id}/buckets`, newBucket({ budgetLines: Array.from({ length: 50 }, (_, i) => lines.essential(100, `Line ${i}`)) }));
      expect(res.status).toBe(201);
      expect(res.body.minCents).toBe(5_000);
    });
  });
});

describe('GET /api/rounds/:roundId/buckets', () => {
  async function roundWithBuckets() {
    const { org, member: alice, round } = await setting();
    const bob = await t.given.member({ organisationId: org.id });
    const aliceDraft = await t.given.bucket(round.id, alice, { title: 'Alice draft' });
    const bobDraft = await t.given.bucket(round.id, bob, { title: 'Bob draft' });
    const proposed = await t.given.bucket(round.id, bob, { title: 'Proposed', status: 'proposed' });
    return { org, alice, bob, round, aliceDraft, bobDraft, proposed };
  }
  const titles = (res: { body: { buckets: { title: string }[] } }) => res.body.buckets.map((b) => b.title).sort();

  it("shows a member the round's proposed buckets and their own drafts, not others' drafts", async () => {
    const { alice, round } = await roundWithBuckets();
    const res = await as(alice).get(`/api/rounds/${round.id}/buckets`);
    expect(res.status).toBe(200);
    expect(titles(res)).toEqual(['Alice draft', 'Proposed']);
  });

  it('shows a draft to a member invited to carry it', async () => {
    const { alice, round, bobDraft } = await roundWithBuckets();
    await addProposers(bobDraft.id, [alice], 'invited');
    expect(titles(await as(alice).get(`/api/rounds/${round.id}/buckets`))).toEqual(['Alice draft', 'Bob draft', 'Proposed']);
  });

  it.each(['reviewer', 'admin'] as const)('shows every draft to a %s', async (role) => {
    const { org, round } = await roundWithBuckets();
    const staff = await t.given.member({ organisationId: org.id, role });
    expect(titles(await as(staff).get(`/api/rounds/${round.id}/buckets`))).toEqual(['Alice draft', 'Bob draft', 'Proposed']);
  });

  it('filters by status', async () => {
    const { alice, round } = await roundWithBuckets();
    const res = await as(alice).get(`/api/rounds/${round.id}/buckets?status=proposed`);
    expect(titles(res)).toEqual(['Proposed']);
    expect(res.body.buckets[0]).toMatchObject({ status: 'proposed', funding: { state: 'below_minimum' } });
  });

  it('refuses an unknown status filter with a 400', async () => {
    const { alice, round } = await roundWithBuckets();
    const res = await as(alice).get(`/api/rounds/${round.id}/buckets?status=sleeping`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('querystring.status');
  });

  it('is a 404 for another organisation and a 401 when not signed in', async () => {
    const { round } = await roundWithBuckets();
    expect((await as(await t.given.member()).get(`/api/rounds/${round.id}/buckets`)).status).toBe(404);
    expect((await anonymous.get(`/api/rounds/${round.id}/buckets`)).status).toBe(401);
  });
});

describe('GET /api/buckets/:bucketId', () => {
  it('gives the full detail with the funding state at the round threshold', async () => {
    const { org, member, round } = await setting({ nearlyFundedPercent: 50 });
    const bucket = await t.given.bucket(round.id, member, { status: 'proposed' });
    await t.db.update(buckets).set({ status: 'open', fundedCents: 60_000, contributors: 2, fundingVersion: 7 }).where(eq(buckets.id, bucket.id));
    const reader = await t.given.member({ organisationId: org.id });
    const res = await as(reader).get(`/api/buckets/${bucket.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: bucket.id,
      status: 'open',
      fundedCents: 60_000,
      fundingVersion: 7,
      funding: { state: 'nearly_funded', contributors: 2, shareOfMinimumBp: 6000 },
      costingNotes: [],
      proposers: [{ membershipId: member.membershipId, status: 'accepted' }],
      revision: 1,
    });
  });

  it("hides someone else's draft from a member as a 404", async () => {
    const { org, member, round } = await setting();
    const bucket = await t.given.bucket(round.id, member);
    const other = await t.given.member({ organisationId: org.id });
    expect((await as(other).get(`/api/buckets/${bucket.id}`)).status).toBe(404);
    expect((await as(member).get(`/api/buckets/${bucket.id}`)).status).toBe(200);
  });

  it('shows a draft to a reviewer', async () => {
    const { org, member, round } = await setting();
    const bucket = await t.given.bucket(round.id, member);
    const reviewer = await t.given.member({ organisationId: org.id, role: 'reviewer' });
    expect((await as(reviewer).get(`/api/buckets/${bucket.id}`)).status).toBe(200);
  });

  it('is a 404 for another organisation, for an unknown id, and a 401 when not signed in', async () => {
    const { member, round } = await setting();
    const bucket = await t.given.bucket(round.id, member, { status: 'proposed' });
    expect((await as(await t.given.member()).get(`/api/buckets/${bucket.id}`)).status).toBe(404);
    expect((await as(member).get('/api/buckets/0190a4f2-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await anonymous.get(`/api/buckets/${bucket.id}`)).status).toBe(401);
  });
});

describe('POST /api/buckets/:bucketId/propose', () => {
  it('moves a draft to proposed and records the decision', async () => {
    const { member, round } = await setting();
    const bucket = await t.given.bucket(round.id, member);
    const res = await as(member).post(`/api/buckets/${bucket.id}/propose`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('proposed');
    expect(await decisionsOf(bucket.id)).toEqual([expect.objectContaining({ kind: 'bucket_proposed', actorId: member.membershipId, roundId: round.id })]);
  });

  it('opens the bucket at once in a permanent round that is funding and needs no approval', async () => {
    const { member, round } = await setting({ kind: 'permanent', phase: 'funding', approvalRequired: false });
    const bucket = await t.given.bucket(round.id, member);
    const seen: unknown[] = [];
    const stop = t.app.changes.subscribe((change) => seen.push(change));
    const res = await as(member).post(`/api/buckets/${bucket.id}/propose`);
    stop();
    expect(res.body.status).toBe('open');
    expect(seen).toContainEqual(expect.objectContaining({ roundId: round.id, bucketIds: [bucket.id] }));
  });

  it('waits for approval in a permanent round that needs it', async () => {
    const { member, round } = await setting({ kind: 'permanent', phase: 'funding', approvalRequired: true });
    const bucket = await t.given.bucket(round.id, member);
    expect((await as(member).post(`/api/buckets/${bucket.id}/propose`)).body.status).toBe('proposed');
  });

  it('stays proposed in the proposal phase even without approval (funding opens it later)', async () => {
    const { member, round } = await setting({ approvalRequired: false });
    const bucket = await t.given.bucket(round.id, member);
    expect((await as(member).post(`/api/buckets/${bucket.id}/propose`)).body.status).toBe('proposed');
  });

  it('needs the round minimum of accepted proposers and says how many', async () => {
    const { org, member, round } = await setting({ minCoProposers: 3 });
    const bucket = await t.given.bucket(round.id, member);
    await addProposers(bucket.id, [await t.given.member({ organisationId: org.id })], 'accepted');
    await addProposers(bucket.id, [await t.given.member({ organisationId: org.id })], 'invited');
    const res = await as(member).post(`/api/buckets/${bucket.id}/propose`);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'not_enough_proposers', needed: 3, accepted: 2 });
  });

  it('refuses a member who is not an accepted proposer with a 403', async () => {
    const { org, member, round } = await setting();
    const bucket = await t.given.bucket(round.id, member);
    const invitee = await t.given.member({ organisationId: org.id });
    await addProposers(bucket.id, [invitee], 'invited');
    expect((await as(invitee).post(`/api/buckets/${bucket.id}/propose`)).status).toBe(403);
    const admin = await t.given.admin(org.id);
    expect((await as(admin).post(`/api/buckets/${bucket.id}/propose`)).status).toBe(403);
  });

  it.each(['proposed', 'open', 'withdrawn', 'rejected', 'funded'] as const)('refuses to propose a %s bucket', async (status) => {
    const { member, round } = await setting();
    const bucket = await t.given.bucket(round.id, member, { status });
    const res = await as(member).post(`/api/buckets/${bucket.id}/propose`);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: "transition_not_allowed", bucketStatus: status, allowedFrom: ["draft"] });
  });

  it('refuses to propose a draft once a one-off round is funding', async () => {
    const { member, round } = await setting({ phase: 'funding' });
    const bucket = await t.given.bucket(round.id, member);
    const res = await as(member).post(`/api/buckets/${bucket.id}/propose`);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('round_not_accepting_proposals');
  });

  it('lets exactly one of two simultaneous proposals through', async () => {
    const { member, round } = await setting();
    const bucket = await t.given.bucket(round.id, member);
    const results = await Promise.all([1, 2].map(() => as(member).post(`/api/buckets/${bucket.id}/propose`)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await decisionsOf(bucket.id)).toHaveLength(1);
  });
});

describe('POST /api/buckets/:bucketId/withdraw', () => {
  it.each(['draft', 'proposed', 'open'] as const)('lets a proposer withdraw a %s bucket, with the reason kept', async (status) => {
    const { member, round } = await setting();
    const bucket = await t.given.bucket(round.id, member, { status });
    const res = await as(member).post(`/api/buckets/${bucket.id}/withdraw`, { reason: 'We found a sponsor' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'withdrawn', statusReason: 'We found a sponsor' });
    expect(await decisionsOf(bucket.id)).toEqual([expect.objectContaining({ kind: 'bucket_withdrawn', reason: 'We found a sponsor' })]);
  });

  it('lets an admin withdraw a bucket they do not carry', async () => {
    const { org, member, round } = await setting();
    const bucket = await t.given.bucket(round.id, member, { status: 'proposed' });
    const admin = await t.given.admin(org.id);
    expect((await as(admin).post(`/api/buckets/${bucket.id}/withdraw`, { reason: 'Duplicate' })).status).toBe(200);
  });

  it.each(['reviewer', 'member'] as const)('refuses a %s who does not carry the bucket with a 403', async (role) => {
    const { org, member, round } = await setting();
    const bucket = await t.given.bucket(round.id, member, { status: 'proposed' });
    const other = await t.given.member({ organisationId: org.id, role });
    expect((await as(other).post(`/api/buckets/${bucket.id}/withdraw`, { reason: 'No' })).status).toBe(403);
  });

  it.each(['withdrawn', 'rejected', 'merged', 'funded', 'not_funded', 'completed', 'awaiting_board'] as const)('refuses to withdraw a %s bucket', async (status) => {
    const { member, round } = await setting();
    const target = await t.given.bucket(round.id, member);
    const bucket = await t.given.bucket(round.id, member, { status, mergedIntoId: status === 'merged' ? target.id : null });
    const res = await as(member).post(`/api/buckets/${bucket.id}/withdraw`, { reason: 'Too late' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('transition_not_allowed');
  });

  it('needs a reason', async () => {
    const { member, round } = await setting();
    const bucket = await t.given.bucket(round.id, member);
    const res = await as(member).post(`/api/buckets/${bucket.id}/withdraw`, { reason: '' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.reason');
  });

  it('sends the money of an open bucket back to its members during funding, in the ledger', async () => {
    const { admin, round, members: [alice, bob], buckets: [bucket] } = await t.given.fundingRound();
    await as(alice as Member).allocate(bucket!.id, 20_000);
    await as(bob as Member).allocate(bucket!.id, 5_000);
    const seen: { membershipIds?: string[] }[] = [];
    const stop = t.app.changes.subscribe((change) => seen.push(change));
    const res = await as(admin).post(`/api/buckets/${bucket!.id}/withdraw`, { reason: 'The hall is not available' });
    stop();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'withdrawn', fundedCents: 0 });
    const mine = await as(alice as Member).get(`/api/rounds/${round.id}/me`);
    expect(mine.body).toMatchObject({ allocatedCents: 0, remainingCents: 43_000 });
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
    expect(seen[0]?.membershipIds?.sort()).toEqual([alice!.membershipId, bob!.membershipId].sort());
    expect(await decisionsOf(bucket!.id)).toEqual([expect.objectContaining({ kind: 'bucket_withdrawn', data: { returnedCents: 25_000 } })]);
  });
});

describe('every bucket route', () => {
  const routes = (roundId: string, bucketId: string, membershipId: string): [string, string, object | undefined][] => [
    ['post', `/api/rounds/${roundId}/buckets`, newBucket()],
    ['get', `/api/rounds/${roundId}/buckets`, undefined],
    ['get', `/api/buckets/${bucketId}`, undefined],
    ['patch', `/api/buckets/${bucketId}`, { revision: 1, title: 'X' }],
    ['get', `/api/buckets/${bucketId}/revisions`, undefined],
    ['post', `/api/buckets/${bucketId}/propose`, undefined],
    ['post', `/api/buckets/${bucketId}/withdraw`, { reason: 'x' }],
    ['post', `/api/buckets/${bucketId}/proposers`, { email: 'someone@example.org' }],
    ['post', `/api/buckets/${bucketId}/proposers/accept`, undefined],
    ['post', `/api/buckets/${bucketId}/proposers/decline`, undefined],
    ['delete', `/api/buckets/${bucketId}/proposers/${membershipId}`, undefined],
    ['post', `/api/buckets/${bucketId}/approve`, undefined],
    ['post', `/api/buckets/${bucketId}/reject`, { reason: 'x' }],
    ['post', `/api/buckets/${bucketId}/request-changes`, { reason: 'x' }],
    ['post', `/api/buckets/${bucketId}/costing-notes`, { body: 'x' }],
    ['post', `/api/buckets/${bucketId}/merge`, { intoBucketId: bucketId, reason: 'x' }],
  ];

  async function call(caller: Member | null, method: string, path: string, body: object | undefined) {
    const api = caller ? as(caller) : anonymous;
    if (method === 'get') return api.get(path);
    if (method === 'delete') return api.delete(path);
    if (method === 'patch') return api.patch(path, body ?? {});
    return api.post(path, body);
  }

  it('answers 401 to a caller who is not signed in', async () => {
    const { member, round } = await setting();
    const bucket = await t.given.bucket(round.id, member, { status: 'proposed' });
    for (const [method, path, body] of routes(round.id, bucket.id, member.membershipId)) {
      expect([method, path, (await call(null, method, path, body)).status]).toEqual([method, path, 401]);
    }
  });

  it("answers 404 to an admin of another organisation, whatever the route", async () => {
    const { member, round } = await setting();
    const bucket = await t.given.bucket(round.id, member, { status: 'proposed' });
    const stranger = await t.given.admin();
    for (const [method, path, body] of routes(round.id, bucket.id, member.membershipId)) {
      expect([method, path, (await call(stranger, method, path, body)).status]).toEqual([method, path, 404]);
    }
  });
});
