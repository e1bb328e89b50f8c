import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestContext } from '../../../test/harness.ts';
import type { Member } from '../../../test/given.ts';
import { moneyViolations } from '../../../test/invariants.ts';
import { bucketHelpers } from '../../../test/bucket-helpers.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());
const { as, anonymous, addProposers, decisionsOf, mailsTo, ledger } = bucketHelpers(() => t);

type Status = 'draft' | 'proposed' | 'open' | 'withdrawn' | 'rejected' | 'funded' | 'not_funded' | 'completed' | 'awaiting_board';

async function setting(status: Status = 'proposed', round: Parameters<TestContext['given']['round']>[1] = { approvalRequired: true }, locale: 'fr' | 'en' = 'fr') {
  const org = await t.given.org({ locale });
  const alice = await t.given.member({ organisationId: org.id, name: 'Alice' });
  const reviewer = await t.given.member({ organisationId: org.id, role: 'reviewer', name: 'Rita' });
  const r = await t.given.round(org.id, round);
  const bucket = await t.given.bucket(r.id, alice, { status, title: 'Bread oven' });
  return { org, alice, reviewer, round: r, bucket };
}

describe('POST /api/buckets/:bucketId/approve', () => {
  it('opens a proposed bucket, records the decision and tells the proposers why', async () => {
    const { org, alice, reviewer, bucket } = await setting();
    const bob = await t.given.member({ organisationId: org.id });
    await addProposers(bucket.id, [bob]);
    const res = await as(reviewer).post(`/api/buckets/${bucket.id}/approve`, { reason: 'Well costed' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('open');
    expect(await decisionsOf(bucket.id)).toEqual([expect.objectContaining({ kind: 'bucket_approved', actorId: reviewer.membershipId, reason: 'Well costed' })]);
    for (const proposer of [alice, bob]) {
      const [mail] = await mailsTo(proposer.email);
      expect(mail?.subject).toBe('Votre projet « Bread oven » est approuvé');
      expect(mail?.body).toContain('Well costed');
      expect(mail?.body).toContain(`http://cagnotte.test/buckets/${bucket.id}`);
    }
  });

  it('tells the proposers of an English-speaking organisation in English', async () => {
    const { alice, reviewer, bucket } = await setting('proposed', { approvalRequired: true }, 'en');
    await as(reviewer).post(`/api/buckets/${bucket.id}/approve`, { reason: 'Well costed' }).expect(200);
    const [mail] = await mailsTo(alice.email);
    expect(mail?.subject).toBe('Your project “Bread oven” is approved');
    expect(mail?.body).toMatch(/^Hello Alice,/);
  });

  it('needs no reason, and lets an admin approve', async () => {
    const { org, bucket } = await setting();
    const admin = await t.given.admin(org.id);
    expect((await as(admin).post(`/api/buckets/${bucket.id}/approve`)).body.status).toBe('open');
  });

  it('is refused with approval_not_required where the round needs no approval', async () => {
    const { reviewer, bucket } = await setting('proposed', { approvalRequired: false });
    const res = await as(reviewer).post(`/api/buckets/${bucket.id}/approve`);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('approval_not_required');
  });

  it('refuses a member, even a proposer of the bucket, with a 403', async () => {
    const { org, alice, bucket } = await setting();
    expect((await as(alice).post(`/api/buckets/${bucket.id}/approve`)).status).toBe(403);
    const accountant = await t.given.member({ organisationId: org.id, role: 'accountant' });
    expect((await as(accountant).post(`/api/buckets/${bucket.id}/approve`)).status).toBe(403);
  });

  it.each(['draft', 'open', 'withdrawn', 'rejected', 'funded'] as const)('refuses to approve a %s bucket', async (status) => {
    const { reviewer, bucket } = await setting(status);
    const res = await as(reviewer).post(`/api/buckets/${bucket.id}/approve`);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'transition_not_allowed', bucketStatus: status, allowedFrom: ['proposed'] });
  });

  it('refuses approval once the round is closed', async () => {
    const { reviewer, bucket } = await setting('proposed', { approvalRequired: true, phase: 'closed' });
    expect((await as(reviewer).post(`/api/buckets/${bucket.id}/approve`)).body.code).toBe('round_closed');
  });

  it('lets exactly one of two reviewers clicking at once succeed', async () => {
    const { org, reviewer, bucket } = await setting();
    const admin = await t.given.admin(org.id);
    const results = await Promise.all([reviewer, admin].map((m) => as(m).post(`/api/buckets/${bucket.id}/approve`)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await decisionsOf(bucket.id)).toHaveLength(1);
  });

  it('is a 404 for another organisation and a 401 when not signed in', async () => {
    const { bucket } = await setting();
    expect((await as(await t.given.admin()).post(`/api/buckets/${bucket.id}/approve`)).status).toBe(404);
    expect((await anonymous.post(`/api/buckets/${bucket.id}/approve`)).status).toBe(401);
  });
});

describe('POST /api/buckets/:bucketId/reject', () => {
  it.each(['proposed', 'open'] as const)('rejects a %s bucket with its reason and tells the proposers', async (status) => {
    const { alice, reviewer, bucket } = await setting(status);
    const res = await as(reviewer).post(`/api/buckets/${bucket.id}/reject`, { reason: 'Outside the round’s purpose' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'rejected', statusReason: 'Outside the round’s purpose' });
    expect(await decisionsOf(bucket.id)).toEqual([expect.objectContaining({ kind: 'bucket_rejected', reason: 'Outside the round’s purpose' })]);
    const [mail] = await mailsTo(alice.email);
    expect(mail?.body).toContain('Outside the round’s purpose');
  });

  it('needs a reason', async () => {
    const { reviewer, bucket } = await setting();
    const res = await as(reviewer).post(`/api/buckets/${bucket.id}/reject`, {});
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.reason');
  });

  it.each(['draft', 'withdrawn', 'rejected', 'funded', 'not_funded', 'completed', 'awaiting_board'] as const)('refuses to reject a %s bucket', async (status) => {
    const { reviewer, bucket } = await setting(status);
    const res = await as(reviewer).post(`/api/buckets/${bucket.id}/reject`, { reason: 'No' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('transition_not_allowed');
  });

  it('refuses a member with a 403', async () => {
    const { alice, bucket } = await setting();
    expect((await as(alice).post(`/api/buckets/${bucket.id}/reject`, { reason: 'No' })).status).toBe(403);
  });

  it('sends the money of an open bucket back to its members during funding', async () => {
    const { admin, round, members: [alice], buckets: [bucket] } = await t.given.fundingRound();
    await as(alice as Member).allocate(bucket!.id, 12_345);
    const res = await as(admin).post(`/api/buckets/${bucket!.id}/reject`, { reason: 'Not feasible' });
    expect(res.body).toMatchObject({ status: 'rejected', fundedCents: 0 });
    expect((await ledger(bucket!.id, 'return')).map((r) => [r.delta_cents, r.reason, r.entered_by])).toEqual([[-12_345, 'Not feasible', admin.membershipId]]);
    expect(await moneyViolations(t.db, round.id)).toEqual([]);
  });
});

describe('POST /api/buckets/:bucketId/request-changes', () => {
  it('sends a proposed bucket back to draft with the reason, and tells the proposers', async () => {
    const { alice, reviewer, bucket } = await setting();
    const res = await as(reviewer).post(`/api/buckets/${bucket.id}/request-changes`, { reason: 'Split the budget by phase' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'draft', statusReason: 'Split the budget by phase' });
    expect(await decisionsOf(bucket.id)).toEqual([expect.objectContaining({ kind: 'changes_requested', reason: 'Split the budget by phase' })]);
    const [mail] = await mailsTo(alice.email);
    expect(mail?.subject).toBe('Des modifications sont demandées sur votre projet « Bread oven »');
    expect(mail?.body).toContain('Split the budget by phase');
  });

  it('lets the proposers edit and propose again, which clears the reason', async () => {
    const { alice, reviewer, bucket } = await setting();
    await as(reviewer).post(`/api/buckets/${bucket.id}/request-changes`, { reason: 'Cheaper please' }).expect(200);
    await as(alice).patch(`/api/buckets/${bucket.id}`, { revision: 1, budgetLines: [{ label: 'Oven', amountCents: 80_000, essential: true }] }).expect(200);
    const res = await as(alice).post(`/api/buckets/${bucket.id}/propose`);
    expect(res.body).toMatchObject({ status: 'proposed', statusReason: null, minCents: 80_000 });
  });

  it.each(['draft', 'open', 'rejected'] as const)('refuses to send back a %s bucket', async (status) => {
    const { reviewer, bucket } = await setting(status);
    expect((await as(reviewer).post(`/api/buckets/${bucket.id}/request-changes`, { reason: 'x' })).status).toBe(409);
  });

  it('refuses a member with a 403 and needs a reason', async () => {
    const { alice, reviewer, bucket } = await setting();
    expect((await as(alice).post(`/api/buckets/${bucket.id}/request-changes`, { reason: 'x' })).status).toBe(403);
    expect((await as(reviewer).post(`/api/buckets/${bucket.id}/request-changes`, { reason: '  ' })).status).toBe(400);
  });
});

describe('POST /api/buckets/:bucketId/costing-notes', () => {
  it('adds a note with an estimate, listed in the bucket detail', async () => {
    const { org, reviewer, bucket } = await setting();
    const res = await as(reviewer).post(`/api/buckets/${bucket.id}/costing-notes`, { body: 'Quote from **two** suppliers', estimateCents: 95_000 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ authorId: reviewer.membershipId, authorName: 'Rita', estimateCents: 95_000, bodyHtml: '<p>Quote from <strong>two</strong> suppliers</p>\n' });
    const reader = await t.given.member({ organisationId: org.id });
    const detail = await as(reader).get(`/api/buckets/${bucket.id}`);
    expect(detail.body.costingNotes).toEqual([res.body]);
  });

  it('takes a note without an estimate', async () => {
    const { reviewer, bucket } = await setting();
    expect((await as(reviewer).post(`/api/buckets/${bucket.id}/costing-notes`, { body: 'Fine' })).body.estimateCents).toBeNull();
  });

  it('refuses a member with a 403, bad input with a 400, another organisation with a 404, no sign-in with a 401', async () => {
    const { alice, reviewer, bucket } = await setting();
    expect((await as(alice).post(`/api/buckets/${bucket.id}/costing-notes`, { body: 'Cheap' })).status).toBe(403);
    const negative = await as(reviewer).post(`/api/buckets/${bucket.id}/costing-notes`, { body: 'x', estimateCents: -1 });
    expect(negative.status).toBe(400);
    expect(negative.body.errors[0].path).toBe('body.estimateCents');
    expect((await as(reviewer).post(`/api/buckets/${bucket.id}/costing-notes`, { body: '' })).status).toBe(400);
    expect((await as(await t.given.admin()).post(`/api/buckets/${bucket.id}/costing-notes`, { body: 'x' })).status).toBe(404);
    expect((await anonymous.post(`/api/buckets/${bucket.id}/costing-notes`, { body: 'x' })).status).toBe(401);
  });
});
