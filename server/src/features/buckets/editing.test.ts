import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestContext } from '../../../test/harness.ts';
import { bucketHelpers, lines } from '../../../test/bucket-helpers.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());
const { as, anonymous, addProposers } = bucketHelpers(() => t);

async function draft(status: 'draft' | 'proposed' | 'open' | 'withdrawn' | 'rejected' | 'funded' = 'draft') {
  const org = await t.given.org();
  const alice = await t.given.member({ organisationId: org.id, name: 'Alice' });
  const round = await t.given.round(org.id);
  const bucket = await t.given.bucket(round.id, alice, { status, title: 'Oven' });
  return { org, alice, round, bucket };
}

describe('PATCH /api/buckets/:bucketId', () => {
  it('changes the fields sent, increments the revision and records only what changed', async () => {
    const { alice, bucket } = await draft();
    const res = await as(alice).patch(`/api/buckets/${bucket.id}`, { revision: 1, title: 'Bread oven', summary: '', description: 'Now *with* a roof' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: 'Bread oven', revision: 2, descriptionHtml: '<p>Now <em>with</em> a roof</p>\n' });
    const revisions = await as(alice).get(`/api/buckets/${bucket.id}/revisions`);
    expect(revisions.body.revisions).toEqual([
      {
        revision: 2,
        authorId: alice.membershipId,
        authorName: 'Alice',
        changes: { title: { from: 'Oven', to: 'Bread oven' }, description: { from: '', to: 'Now *with* a roof' } },
        createdAt: expect.any(String),
      },
    ]);
  });

  it('recomputes the minimum and maximum when the budget changes', async () => {
    const { alice, bucket } = await draft();
    const budgetLines = [lines.essential(70_000, 'Bricks'), lines.essential(10_000, 'Mortar'), lines.optional(5_000, 'Bench')];
    const res = await as(alice).patch(`/api/buckets/${bucket.id}`, { revision: 1, budgetLines });
    expect(res.body).toMatchObject({ minCents: 80_000, maxCents: 85_000, budgetLines });
    const [revision] = (await as(alice).get(`/api/buckets/${bucket.id}/revisions`)).body.revisions;
    expect(Object.keys(revision.changes).sort()).toEqual(['budgetLines', 'maxCents', 'minCents']);
    expect(revision.changes.minCents).toEqual({ from: 100_000, to: 80_000 });
  });

  it('sets and removes the image', async () => {
    const { alice, bucket } = await draft();
    await as(alice).patch(`/api/buckets/${bucket.id}`, { revision: 1, imageUrl: 'https://img.example/a.png', tags: ['bread'] }).expect(200);
    const res = await as(alice).patch(`/api/buckets/${bucket.id}`, { revision: 2, imageUrl: null });
    expect(res.body).toMatchObject({ imageUrl: null, tags: ['bread'], revision: 3 });
  });

  it('leaves the revision alone when nothing changes', async () => {
    const { alice, bucket } = await draft();
    const res = await as(alice).patch(`/api/buckets/${bucket.id}`, { revision: 1, title: 'Oven' });
    expect(res.body.revision).toBe(1);
    expect((await as(alice).get(`/api/buckets/${bucket.id}/revisions`)).body.revisions).toEqual([]);
  });

  it('refuses an edit from a stale revision with the current one, and keeps the other edit', async () => {
    const { org, alice, bucket } = await draft();
    const bob = await t.given.member({ organisationId: org.id });
    await addProposers(bucket.id, [bob]);
    await as(alice).patch(`/api/buckets/${bucket.id}`, { revision: 1, title: 'Alice title' }).expect(200);
    const res = await as(bob).patch(`/api/buckets/${bucket.id}`, { revision: 1, title: 'Bob title' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'version_conflict', currentRevision: 2 });
    expect((await as(alice).get(`/api/buckets/${bucket.id}`)).body.title).toBe('Alice title');
  });

  it('lets exactly one of two simultaneous edits from the same revision through', async () => {
    const { alice, bucket } = await draft();
    const results = await Promise.all(['One', 'Two'].map((title) => as(alice).patch(`/api/buckets/${bucket.id}`, { revision: 1, title })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const revisions = (await as(alice).get(`/api/buckets/${bucket.id}/revisions`)).body.revisions;
    expect(revisions).toHaveLength(1);
  });

  it('lets proposers edit a proposed bucket, budget included', async () => {
    const { alice, bucket } = await draft('proposed');
    const res = await as(alice).patch(`/api/buckets/${bucket.id}`, { revision: 1, budgetLines: [lines.essential(1_000)] });
    expect(res.status).toBe(200);
    expect(res.body.maxCents).toBe(1_000);
  });

  it('lets proposers fix the text of an open bucket', async () => {
    const { alice, bucket } = await draft('open');
    const res = await as(alice).patch(`/api/buckets/${bucket.id}`, { revision: 1, summary: 'Typo fixed' });
    expect(res.status).toBe(200);
  });

  it('freezes the budget once the bucket is open', async () => {
    const { alice, bucket } = await draft('open');
    const res = await as(alice).patch(`/api/buckets/${bucket.id}`, { revision: 1, budgetLines: [lines.essential(1_000)] });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'budget_frozen', bucketStatus: 'open' });
  });

  it.each(['withdrawn', 'rejected', 'funded'] as const)('refuses any edit of a %s bucket', async (status) => {
    const { alice, bucket } = await draft(status);
    const res = await as(alice).patch(`/api/buckets/${bucket.id}`, { revision: 1, title: 'Too late' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('bucket_not_editable');
  });

  it('refuses a member who does not carry the bucket with a 403', async () => {
    const { org, bucket } = await draft('proposed');
    const other = await t.given.member({ organisationId: org.id });
    expect((await as(other).patch(`/api/buckets/${bucket.id}`, { revision: 1, title: 'Mine now' })).status).toBe(403);
  });

  it('refuses an invited proposer who has not accepted, and a reviewer, with a 403', async () => {
    const { org, bucket } = await draft();
    const invitee = await t.given.member({ organisationId: org.id });
    await addProposers(bucket.id, [invitee], 'invited');
    expect((await as(invitee).patch(`/api/buckets/${bucket.id}`, { revision: 1, title: 'X' })).status).toBe(403);
    const reviewer = await t.given.member({ organisationId: org.id, role: 'reviewer' });
    expect((await as(reviewer).patch(`/api/buckets/${bucket.id}`, { revision: 1, title: 'X' })).status).toBe(403);
  });

  it('is a 404 for another organisation and a 401 when not signed in', async () => {
    const { bucket } = await draft();
    expect((await as(await t.given.member()).patch(`/api/buckets/${bucket.id}`, { revision: 1, title: 'X' })).status).toBe(404);
    expect((await anonymous.patch(`/api/buckets/${bucket.id}`, { revision: 1, title: 'X' })).status).toBe(401);
  });

  it.each([
    ['a missing revision', { title: 'X' }, 'body.revision'],
    ['an empty budget', { revision: 1, budgetLines: [] }, 'body.budgetLines'],
    ['a budget with no essential line', { revision: 1, budgetLines: [lines.optional()] }, 'body.budgetLines'],
    ['a negative amount', { revision: 1, budgetLines: [lines.essential(-1)] }, 'body.budgetLines.0.amountCents'],
    ['an empty title', { revision: 1, title: ' ' }, 'body.title'],
  ])('refuses %s with a 400 naming the field', async (_name, body, path) => {
    const { alice, bucket } = await draft();
    const res = await as(alice).patch(`/api/buckets/${bucket.id}`, body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe('GET /api/buckets/:bucketId/revisions', () => {
  it('lists the edits in order, with their authors', async () => {
    const { org, alice, bucket } = await draft('proposed');
    const bob = await t.given.member({ organisationId: org.id, name: 'Bob' });
    await addProposers(bucket.id, [bob]);
    await as(alice).patch(`/api/buckets/${bucket.id}`, { revision: 1, title: 'Two' }).expect(200);
    await as(bob).patch(`/api/buckets/${bucket.id}`, { revision: 2, title: 'Three' }).expect(200);
    const reader = await t.given.member({ organisationId: org.id });
    const res = await as(reader).get(`/api/buckets/${bucket.id}/revisions`);
    expect(res.status).toBe(200);
    expect(res.body.revisions.map((r: { revision: number; authorName: string }) => [r.revision, r.authorName])).toEqual([[2, 'Alice'], [3, 'Bob']]);
  });

  it("hides the history of someone else's draft (404), another organisation's (404), and needs a sign-in (401)", async () => {
    const { org, bucket } = await draft();
    expect((await as(await t.given.member({ organisationId: org.id })).get(`/api/buckets/${bucket.id}/revisions`)).status).toBe(404);
    expect((await as(await t.given.member()).get(`/api/buckets/${bucket.id}/revisions`)).status).toBe(404);
    expect((await anonymous.get(`/api/buckets/${bucket.id}/revisions`)).status).toBe(401);
  });
});
