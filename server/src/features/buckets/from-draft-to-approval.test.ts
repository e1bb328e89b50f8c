import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestContext } from '../../../test/harness.ts';
import { bucketHelpers } from '../../../test/bucket-helpers.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());
const { as, decisionsOf, mailsTo } = bucketHelpers(() => t);

describe('Projects (buckets): from draft to approval', () => {
  it('a member proposes a project with two co-proposers and a budget with essential and optional lines, refines it, and it is approved', async () => {
    const org = await t.given.org();
    const alice = await t.given.member({ organisationId: org.id, name: 'Alice' });
    const bob = await t.given.member({ organisationId: org.id, name: 'Bob' });
    const carol = await t.given.member({ organisationId: org.id, name: 'Carol' });
    const rita = await t.given.member({ organisationId: org.id, name: 'Rita', role: 'reviewer' });
    const dan = await t.given.member({ organisationId: org.id, name: 'Dan' });
    const round = await t.given.round(org.id, { phase: 'proposals', approvalRequired: true, minCoProposers: 3 });

    // Alice drafts the project: the oven is essential, the bench is nice to have.
    const created = await as(alice).post(`/api/rounds/${round.id}/buckets`, {
      title: 'A bread oven for the street',
      summary: 'Bake together on Sundays',
      description: 'A wood-fired oven in the **courtyard**.',
      tags: ['food'],
      budgetLines: [
        { label: 'Oven kit', amountCents: 120_000, essential: true },
        { label: 'Foundation', amountCents: 30_000, essential: true },
        { label: 'Bench', amountCents: 20_000, essential: false },
      ],
    });
    expect(created.status).toBe(201);
    const bucketId = created.body.id as string;
    expect(created.body).toMatchObject({ status: 'draft', minCents: 150_000, maxCents: 170_000 });
    expect((await as(dan).get(`/api/rounds/${round.id}/buckets`)).body.buckets).toEqual([]);

    // The round wants three proposers: Alice alone cannot propose yet.
    const early = await as(alice).post(`/api/buckets/${bucketId}/propose`);
    expect(early.body).toMatchObject({ code: 'not_enough_proposers', needed: 3, accepted: 1 });

    // She invites Bob and Carol, who are e-mailed and accept.
    for (const invitee of [bob, carol]) {
      await as(alice).post(`/api/buckets/${bucketId}/proposers`, { email: invitee.email }).expect(201);
      const [invitation] = await mailsTo(invitee.email);
      expect(invitation?.body).toContain(`/buckets/${bucketId}`);
      await as(invitee).post(`/api/buckets/${bucketId}/proposers/accept`).expect(200);
    }

    // They refine it together; Carol's edit from a stale copy is refused, not lost silently.
    const bobEdit = await as(bob).patch(`/api/buckets/${bucketId}`, {
      revision: 1,
      budgetLines: [
        { label: 'Oven kit', amountCents: 110_000, essential: true },
        { label: 'Foundation', amountCents: 30_000, essential: true },
        { label: 'Bench', amountCents: 20_000, essential: false },
        { label: 'Bread peels', amountCents: 5_000, essential: false },
      ],
    });
    expect(bobEdit.body).toMatchObject({ revision: 2, minCents: 140_000, maxCents: 165_000 });
    const stale = await as(carol).patch(`/api/buckets/${bucketId}`, { revision: 1, summary: 'Bake together' });
    expect(stale.body).toMatchObject({ code: 'version_conflict', currentRevision: 2 });
    await as(carol).patch(`/api/buckets/${bucketId}`, { revision: 2, summary: 'Bake together every Sunday' }).expect(200);

    // Proposed, then costed and approved by a reviewer.
    expect((await as(alice).post(`/api/buckets/${bucketId}/propose`)).body.status).toBe('proposed');
    await as(rita).post(`/api/buckets/${bucketId}/costing-notes`, { body: 'Two quotes received', estimateCents: 138_000 }).expect(201);
    const approved = await as(rita).post(`/api/buckets/${bucketId}/approve`, { reason: 'Costed and feasible' });
    expect(approved.body.status).toBe('open');

    // Every member sees it, with its funding state, proposers, costing and history.
    const seen = await as(dan).get(`/api/buckets/${bucketId}`);
    expect(seen.body).toMatchObject({
      status: 'open',
      minCents: 140_000,
      maxCents: 165_000,
      revision: 3,
      summary: 'Bake together every Sunday',
      funding: { state: 'below_minimum', fundedCents: 0, missingToMinimumCents: 140_000 },
      costingNotes: [{ authorName: 'Rita', estimateCents: 138_000 }],
    });
    expect(seen.body.proposers.map((p: { name: string; status: string }) => `${p.name}:${p.status}`).sort()).toEqual(['Alice:accepted', 'Bob:accepted', 'Carol:accepted']);
    const history = await as(dan).get(`/api/buckets/${bucketId}/revisions`);
    expect(history.body.revisions.map((r: { authorName: string; changes: object }) => [r.authorName, Object.keys(r.changes).sort()])).toEqual([
      ['Bob', ['budgetLines', 'maxCents', 'minCents']],
      ['Carol', ['summary']],
    ]);
    expect((await decisionsOf(bucketId)).map((d) => d.kind)).toEqual(['bucket_proposed', 'bucket_approved']);

    // The three proposers are told, with the reviewer's reason.
    for (const proposer of [alice, bob, carol]) {
      const mails = await mailsTo(proposer.email);
      expect(mails.some((m) => m.subject.includes('est approuvé') && m.body.includes('Costed and feasible'))).toBe(true);
    }
  });
});
