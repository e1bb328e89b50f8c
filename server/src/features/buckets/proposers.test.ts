import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testApp, type TestContext } from '../../../test/harness.ts';
import { memberships } from '../../db/schema.ts';
import { bucketHelpers } from '../../../test/bucket-helpers.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());
const { as, anonymous, addProposers, proposerRow, mailsTo } = bucketHelpers(() => t);

async function setting(options: { status?: 'draft' | 'proposed' | 'withdrawn'; minCoProposers?: number; locale?: 'fr' | 'en' } = {}) {
  const org = await t.given.org({ locale: options.locale ?? 'fr' });
  const alice = await t.given.member({ organisationId: org.id, name: 'Alice' });
  const bob = await t.given.member({ organisationId: org.id, name: 'Bob' });
  const round = await t.given.round(org.id, { minCoProposers: options.minCoProposers ?? 1 });
  const bucket = await t.given.bucket(round.id, alice, { status: options.status ?? 'draft', title: 'Bread oven' });
  return { org, alice, bob, round, bucket };
}

describe('POST /api/buckets/:bucketId/proposers', () => {
  it('invites a member of the organisation by e-mail and tells them', async () => {
    const { alice, bob, bucket } = await setting();
    const res = await as(alice).post(`/api/buckets/${bucket.id}/proposers`, { email: bob.email.toUpperCase() });
    expect(res.status).toBe(201);
    expect(res.body.proposers).toContainEqual(expect.objectContaining({ membershipId: bob.membershipId, name: 'Bob', status: 'invited', respondedAt: null }));
    const [mail] = await mailsTo(bob.email);
    expect(mail?.subject).toBe('Alice vous invite à porter le projet « Bread oven »');
    expect(mail?.body).toContain(`http://cagnotte.test/buckets/${bucket.id}`);
  });

  it('writes the invitation in English in an English-speaking organisation', async () => {
    const { alice, bob, bucket } = await setting({ locale: 'en' });
    await as(alice).post(`/api/buckets/${bucket.id}/proposers`, { email: bob.email }).expect(201);
    const [mail] = await mailsTo(bob.email);
    expect(mail?.subject).toBe('Alice invites you to propose “Bread oven”');
  });

  it('answers 404 invitee_not_member for an address that is no member of the organisation', async () => {
    const { alice, bucket } = await setting();
    const elsewhere = await t.given.member();
    for (const email of ['nobody@example.org', elsewhere.email]) {
      const res = await as(alice).post(`/api/buckets/${bucket.id}/proposers`, { email });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('invitee_not_member');
    }
  });

  it('does not invite a deactivated member', async () => {
    const { alice, bob, bucket } = await setting();
    await t.db.update(memberships).set({ active: false }).where(eq(memberships.id, bob.membershipId));
    expect((await as(alice).post(`/api/buckets/${bucket.id}/proposers`, { email: bob.email })).body.code).toBe('invitee_not_member');
  });

  it('refuses to invite someone already invited or accepted', async () => {
    const { org, alice, bob, bucket } = await setting();
    await as(alice).post(`/api/buckets/${bucket.id}/proposers`, { email: bob.email }).expect(201);
    const again = await as(alice).post(`/api/buckets/${bucket.id}/proposers`, { email: bob.email });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'already_proposer', proposerStatus: 'invited' });
    const carol = await t.given.member({ organisationId: org.id });
    await addProposers(bucket.id, [carol]);
    expect((await as(alice).post(`/api/buckets/${bucket.id}/proposers`, { email: carol.email })).body.proposerStatus).toBe('accepted');
  });

  it('renews an invitation that was declined', async () => {
    const { alice, bob, bucket } = await setting();
    await addProposers(bucket.id, [bob], 'declined');
    expect((await as(alice).post(`/api/buckets/${bucket.id}/proposers`, { email: bob.email })).status).toBe(201);
    expect((await proposerRow(bucket.id, bob.membershipId))?.status).toBe('invited');
  });

  it('refuses a member who does not carry the bucket, and an invitee who has not accepted, with a 403', async () => {
    const { org, bob, bucket } = await setting({ status: 'proposed' });
    const carol = await t.given.member({ organisationId: org.id });
    expect((await as(bob).post(`/api/buckets/${bucket.id}/proposers`, { email: carol.email })).status).toBe(403);
    await addProposers(bucket.id, [bob], 'invited');
    expect((await as(bob).post(`/api/buckets/${bucket.id}/proposers`, { email: carol.email })).status).toBe(403);
  });

  it('takes no new proposers once the bucket is withdrawn', async () => {
    const { alice, bob, bucket } = await setting({ status: 'withdrawn' });
    const res = await as(alice).post(`/api/buckets/${bucket.id}/proposers`, { email: bob.email });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('bucket_not_editable');
  });

  it('refuses a malformed e-mail with a 400, another organisation with a 404, no sign-in with a 401', async () => {
    const { alice, bob, bucket } = await setting();
    const bad = await as(alice).post(`/api/buckets/${bucket.id}/proposers`, { email: 'bob' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.email');
    expect((await as(await t.given.member()).post(`/api/buckets/${bucket.id}/proposers`, { email: bob.email })).status).toBe(404);
    expect((await anonymous.post(`/api/buckets/${bucket.id}/proposers`, { email: bob.email })).status).toBe(401);
  });
});

describe('answering an invitation', () => {
  it('makes the invitee an accepted proposer, who can then edit', async () => {
    const { alice, bob, bucket } = await setting();
    await as(alice).post(`/api/buckets/${bucket.id}/proposers`, { email: bob.email }).expect(201);
    const res = await as(bob).post(`/api/buckets/${bucket.id}/proposers/accept`);
    expect(res.status).toBe(200);
    expect(res.body.proposers).toContainEqual(expect.objectContaining({ membershipId: bob.membershipId, status: 'accepted', respondedAt: expect.any(String) }));
    expect((await as(bob).patch(`/api/buckets/${bucket.id}`, { revision: 1, title: 'Our oven' })).status).toBe(200);
  });

  it('lets the invitee decline', async () => {
    const { bob, bucket } = await setting();
    await addProposers(bucket.id, [bob], 'invited');
    expect((await as(bob).post(`/api/buckets/${bucket.id}/proposers/decline`)).status).toBe(204);
    expect((await proposerRow(bucket.id, bob.membershipId))?.status).toBe('declined');
    expect((await as(bob).get(`/api/buckets/${bucket.id}`)).status).toBe(404);
  });

  it('is a 404 without an invitation and a 409 when already answered', async () => {
    const { bob, bucket } = await setting({ status: 'proposed' });
    const none = await as(bob).post(`/api/buckets/${bucket.id}/proposers/accept`);
    expect(none.status).toBe(404);
    await addProposers(bucket.id, [bob], 'invited');
    await as(bob).post(`/api/buckets/${bucket.id}/proposers/accept`).expect(200);
    const again = await as(bob).post(`/api/buckets/${bucket.id}/proposers/decline`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'invitation_already_answered', proposerStatus: 'accepted' });
  });

  it('cannot accept to carry a withdrawn bucket', async () => {
    const { bob, bucket } = await setting({ status: 'withdrawn' });
    await addProposers(bucket.id, [bob], 'invited');
    expect((await as(bob).post(`/api/buckets/${bucket.id}/proposers/accept`)).body.code).toBe('bucket_not_editable');
  });

  it('needs a sign-in', async () => {
    const { bucket } = await setting();
    expect((await anonymous.post(`/api/buckets/${bucket.id}/proposers/accept`)).status).toBe(401);
  });

  it('counts toward the round minimum once accepted', async () => {
    const { alice, bob, bucket } = await setting({ minCoProposers: 2 });
    await as(alice).post(`/api/buckets/${bucket.id}/proposers`, { email: bob.email }).expect(201);
    expect((await as(alice).post(`/api/buckets/${bucket.id}/propose`)).body).toMatchObject({ code: 'not_enough_proposers', needed: 2, accepted: 1 });
    await as(bob).post(`/api/buckets/${bucket.id}/proposers/accept`).expect(200);
    expect((await as(alice).post(`/api/buckets/${bucket.id}/propose`)).body.status).toBe('proposed');
  });
});

describe('DELETE /api/buckets/:bucketId/proposers/:membershipId', () => {
  it('lets a proposer withdraw an invitation', async () => {
    const { alice, bob, bucket } = await setting();
    await addProposers(bucket.id, [bob], 'invited');
    expect((await as(alice).delete(`/api/buckets/${bucket.id}/proposers/${bob.membershipId}`)).status).toBe(204);
    expect(await proposerRow(bucket.id, bob.membershipId)).toBeUndefined();
  });

  it('lets an accepted proposer leave while another stays', async () => {
    const { alice, bob, bucket } = await setting();
    await addProposers(bucket.id, [bob]);
    expect((await as(bob).delete(`/api/buckets/${bucket.id}/proposers/${bob.membershipId}`)).status).toBe(204);
    expect(await proposerRow(bucket.id, bob.membershipId)).toBeUndefined();
    expect((await proposerRow(bucket.id, alice.membershipId))?.status).toBe('accepted');
  });

  it('keeps the last accepted proposer', async () => {
    const { alice, bob, bucket } = await setting();
    await addProposers(bucket.id, [bob], 'invited');
    const res = await as(alice).delete(`/api/buckets/${bucket.id}/proposers/${alice.membershipId}`);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('last_proposer');
  });

  it('lets only one of the last two accepted proposers leave at the same time', async () => {
    const { alice, bob, bucket } = await setting();
    await addProposers(bucket.id, [bob]);
    const results = await Promise.all([alice, bob].map((m) => as(m).delete(`/api/buckets/${bucket.id}/proposers/${m.membershipId}`)));
    expect(results.map((r) => r.status).sort()).toEqual([204, 409]);
  });

  it('does not let a proposer remove an accepted co-proposer', async () => {
    const { alice, bob, bucket } = await setting();
    await addProposers(bucket.id, [bob]);
    const res = await as(alice).delete(`/api/buckets/${bucket.id}/proposers/${bob.membershipId}`);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('only_they_can_leave');
  });

  it('does not let a member who does not carry the bucket remove an invitation', async () => {
    const { org, bob, bucket } = await setting({ status: 'proposed' });
    await addProposers(bucket.id, [bob], 'invited');
    const carol = await t.given.member({ organisationId: org.id });
    expect((await as(carol).delete(`/api/buckets/${bucket.id}/proposers/${bob.membershipId}`)).status).toBe(403);
  });

  it('is a 404 for someone not on the list, another organisation, and a 401 without sign-in', async () => {
    const { alice, bob, bucket } = await setting();
    expect((await as(alice).delete(`/api/buckets/${bucket.id}/proposers/${bob.membershipId}`)).status).toBe(404);
    expect((await as(await t.given.member()).delete(`/api/buckets/${bucket.id}/proposers/${alice.membershipId}`)).status).toBe(404);
    expect((await anonymous.delete(`/api/buckets/${bucket.id}/proposers/${alice.membershipId}`)).status).toBe(401);
  });
});
