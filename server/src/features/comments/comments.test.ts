import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { eq } from 'drizzle-orm';
import { bucketProposers, buckets } from '../../db/schema.ts';
import { testApp, type TestContext } from '../../../test/harness.ts';
import type { Member } from '../../../test/given.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const api = () => request(t.app.server);

/** An organisation with a proposal-phase round and one bucket carried by `proposer`. */
async function scene(status: (typeof buckets.$inferSelect)['status'] = 'proposed', locale: 'fr' | 'en' = 'fr') {
  const proposer = await t.given.member({ name: 'Paula', organisationId: (await t.given.org({ locale })).id });
  const member = await t.given.member({ organisationId: proposer.organisationId, name: 'Marc' });
  const round = await t.given.round(proposer.organisationId);
  const bucket = await t.given.bucket(round.id, proposer, { status, title: 'Shared bikes' });
  return { proposer, member, round, bucket };
}

async function comment(bucketId: string, author: Member, body = 'How many bikes?') {
  const res = await api().post(`/api/buckets/${bucketId}/comments`).set(t.given.authFor(author)).send({ body });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

describe('listing comments', () => {
  it('lists comments oldest first with their author and rendered Markdown', async () => {
    const { proposer, member, bucket } = await scene();
    await comment(bucket.id, member, 'Is **insurance** included?');
    t.clock.advance(1000);
    await comment(bucket.id, proposer, 'Yes.');
    const res = await api().get(`/api/buckets/${bucket.id}/comments`).set(t.given.authFor(member));
    expect(res.status).toBe(200);
    expect(res.body.open).toBe(true);
    expect(res.body.comments).toHaveLength(2);
    expect(res.body.comments[0]).toMatchObject({
      deleted: false,
      author: { membershipId: member.membershipId, name: 'Marc' },
      body: 'Is **insurance** included?',
      bodyHtml: '<p>Is <strong>insurance</strong> included?</p>\n',
      editedAt: null,
    });
    expect(res.body.comments[1].author.name).toBe('Paula');
  });

  it('sanitises what the Markdown renders', async () => {
    const { member, bucket } = await scene();
    await comment(bucket.id, member, '<script>alert(1)</script> [x](javascript:alert(1))');
    const res = await api().get(`/api/buckets/${bucket.id}/comments`).set(t.given.authFor(member));
    expect(res.body.comments[0].bodyHtml).not.toMatch(/<script|href="javascript:/);
  });

  it('keeps a deleted comment as a tombstone without its body or author', async () => {
    const { member, bucket } = await scene();
    const first = await comment(bucket.id, member, 'Oops');
    await comment(bucket.id, member, 'Second');
    await api().delete(`/api/comments/${first.id}`).set(t.given.authFor(member)).expect(204);
    const res = await api().get(`/api/buckets/${bucket.id}/comments`).set(t.given.authFor(member));
    expect(res.body.comments[0]).toEqual({ id: first.id, bucketId: bucket.id, deleted: true, createdAt: expect.any(String) });
    expect(res.body.comments[1].body).toBe('Second');
  });

  it('keeps a rejected bucket readable but says its discussion is closed', async () => {
    const { member, bucket } = await scene();
    await comment(bucket.id, member);
    await t.db.update(buckets).set({ status: 'rejected' }).where(eq(buckets.id, bucket.id));
    const res = await api().get(`/api/buckets/${bucket.id}/comments`).set(t.given.authFor(member));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ open: false, comments: [{ body: 'How many bikes?' }] });
  });

  it('asks an anonymous caller to sign in', async () => {
    const { bucket } = await scene();
    expect((await api().get(`/api/buckets/${bucket.id}/comments`)).status).toBe(401);
  });

  it("hides another organisation's bucket as not found", async () => {
    const { bucket } = await scene();
    const outsider = await t.given.member();
    expect((await api().get(`/api/buckets/${bucket.id}/comments`).set(t.given.authFor(outsider))).status).toBe(404);
  });

  it('names the parameter when the bucket id is malformed', async () => {
    const { member } = await scene();
    const res = await api().get('/api/buckets/not-a-uuid/comments').set(t.given.authFor(member));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('params.bucketId');
  });
});

describe('posting a comment', () => {
  it('lets any member comment and answers with the comment', async () => {
    const { member, bucket } = await scene();
    const res = await api().post(`/api/buckets/${bucket.id}/comments`).set(t.given.authFor(member)).send({ body: 'Where will they be parked?' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ bucketId: bucket.id, deleted: false, body: 'Where will they be parked?', author: { name: 'Marc' } });
  });

  it('e-mails each proposer once, not the commenter', async () => {
    const { proposer, member, bucket } = await scene();
    const coProposer = await t.given.member({ organisationId: proposer.organisationId });
    const invited = await t.given.member({ organisationId: proposer.organisationId });
    await t.db.insert(bucketProposers).values([
      { bucketId: bucket.id, membershipId: coProposer.membershipId, status: 'accepted' },
      { bucketId: bucket.id, membershipId: invited.membershipId, status: 'invited' },
    ]);
    await t.app.jobs.drainMail();
    t.mail.sent.length = 0;
    await comment(bucket.id, member, 'Which brand?');
    await comment(bucket.id, proposer, 'Dutch ones.');
    await t.app.jobs.drainMail();
    const toMember = t.mail.sent.filter((m) => m.body.includes('Which brand?'));
    expect(toMember.map((m) => m.to).sort()).toEqual([proposer.email, coProposer.email].sort());
    expect(toMember[0]?.subject).toBe('Nouveau commentaire sur « Shared bikes »');
    expect(toMember[0]?.body).toContain(`http://cagnotte.test/buckets/${bucket.id}`);
    const toProposerReply = t.mail.sent.filter((m) => m.body.includes('Dutch ones.'));
    expect(toProposerReply.map((m) => m.to)).toEqual([coProposer.email]);
  });

  it('writes to the proposers of an English-speaking organisation in English', async () => {
    const { proposer, member, bucket } = await scene('proposed', 'en');
    t.mail.sent.length = 0;
    await comment(bucket.id, member, 'Which colour?');
    await t.app.jobs.drainMail();
    const [mail] = t.mail.sent.filter((m) => m.to === proposer.email);
    expect(mail?.subject).toBe('New comment on “Shared bikes”');
    expect(mail?.body).toMatch(/^Hello Paula,\n\nMarc commented/);
  });

  it('refuses a comment on a withdrawn bucket as discussion_closed', async () => {
    const { member, bucket } = await scene('withdrawn');
    const res = await api().post(`/api/buckets/${bucket.id}/comments`).set(t.given.authFor(member)).send({ body: 'Why?' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('discussion_closed');
  });

  it('refuses a comment on a merged bucket, pointing at its target', async () => {
    const { proposer, member, round, bucket } = await scene();
    const target = await t.given.bucket(round.id, proposer);
    await t.db.update(buckets).set({ status: 'merged', mergedIntoId: target.id }).where(eq(buckets.id, bucket.id));
    const res = await api().post(`/api/buckets/${bucket.id}/comments`).set(t.given.authFor(member)).send({ body: 'Hello' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'bucket_merged', mergedIntoId: target.id });
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['too long', 'x'.repeat(10_001)],
  ])('refuses an %s body, naming the field', async (_, body) => {
    const { member, bucket } = await scene();
    const res = await api().post(`/api/buckets/${bucket.id}/comments`).set(t.given.authFor(member)).send({ body });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.body');
  });

  it('accepts a body of exactly 10,000 characters', async () => {
    const { member, bucket } = await scene();
    const res = await api().post(`/api/buckets/${bucket.id}/comments`).set(t.given.authFor(member)).send({ body: 'x'.repeat(10_000) });
    expect(res.status).toBe(201);
  });

  it('asks an anonymous caller to sign in', async () => {
    const { bucket } = await scene();
    expect((await api().post(`/api/buckets/${bucket.id}/comments`).send({ body: 'Hi' })).status).toBe(401);
  });

  it("refuses a member of another organisation as not found", async () => {
    const { bucket } = await scene();
    const outsider = await t.given.member();
    expect((await api().post(`/api/buckets/${bucket.id}/comments`).set(t.given.authFor(outsider)).send({ body: 'Hi' })).status).toBe(404);
  });
});

describe('editing a comment', () => {
  it('lets its author rewrite it and marks it edited', async () => {
    const { member, bucket } = await scene();
    const posted = await comment(bucket.id, member, 'Typo');
    t.clock.advance(60_000);
    const res = await api().patch(`/api/comments/${posted.id}`).set(t.given.authFor(member)).send({ body: 'Fixed' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ body: 'Fixed', bodyHtml: '<p>Fixed</p>\n', editedAt: t.clock.now().toISOString() });
  });

  it.each(['member', 'admin'] as const)('refuses a %s who is not the author', async (role) => {
    const { member, bucket } = await scene();
    const posted = await comment(bucket.id, member);
    const other = await t.given.member({ organisationId: member.organisationId, role });
    const res = await api().patch(`/api/comments/${posted.id}`).set(t.given.authFor(other)).send({ body: 'Hijacked' });
    expect(res.status).toBe(403);
  });

  it('refuses an edit once the bucket is rejected', async () => {
    const { member, bucket } = await scene();
    const posted = await comment(bucket.id, member);
    await t.db.update(buckets).set({ status: 'rejected' }).where(eq(buckets.id, bucket.id));
    const res = await api().patch(`/api/comments/${posted.id}`).set(t.given.authFor(member)).send({ body: 'Later' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('discussion_closed');
  });

  it('treats a deleted comment as gone', async () => {
    const { member, bucket } = await scene();
    const posted = await comment(bucket.id, member);
    await api().delete(`/api/comments/${posted.id}`).set(t.given.authFor(member)).expect(204);
    expect((await api().patch(`/api/comments/${posted.id}`).set(t.given.authFor(member)).send({ body: 'Back' })).status).toBe(404);
  });

  it('names the field when the new body is empty', async () => {
    const { member, bucket } = await scene();
    const posted = await comment(bucket.id, member);
    const res = await api().patch(`/api/comments/${posted.id}`).set(t.given.authFor(member)).send({ body: '' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.body');
  });

  it('asks an anonymous caller to sign in', async () => {
    const { member, bucket } = await scene();
    const posted = await comment(bucket.id, member);
    expect((await api().patch(`/api/comments/${posted.id}`).send({ body: 'x' })).status).toBe(401);
  });

  it("refuses a member of another organisation as not found", async () => {
    const { member, bucket } = await scene();
    const posted = await comment(bucket.id, member);
    const outsider = await t.given.admin();
    expect((await api().patch(`/api/comments/${posted.id}`).set(t.given.authFor(outsider)).send({ body: 'x' })).status).toBe(404);
  });
});

describe('deleting a comment', () => {
  it('lets its author delete it', async () => {
    const { member, bucket } = await scene();
    const posted = await comment(bucket.id, member);
    expect((await api().delete(`/api/comments/${posted.id}`).set(t.given.authFor(member))).status).toBe(204);
  });

  it.each(['admin', 'reviewer'] as const)('lets a %s moderate', async (role) => {
    const { member, bucket } = await scene();
    const posted = await comment(bucket.id, member);
    const moderator = await t.given.member({ organisationId: member.organisationId, role });
    expect((await api().delete(`/api/comments/${posted.id}`).set(t.given.authFor(moderator))).status).toBe(204);
  });

  it('lets a moderator delete on a closed bucket', async () => {
    const { member, bucket } = await scene();
    const posted = await comment(bucket.id, member);
    await t.db.update(buckets).set({ status: 'withdrawn' }).where(eq(buckets.id, bucket.id));
    const admin = await t.given.admin(member.organisationId);
    expect((await api().delete(`/api/comments/${posted.id}`).set(t.given.authFor(admin))).status).toBe(204);
  });

  it.each(['member', 'accountant'] as const)('refuses another %s', async (role) => {
    const { member, bucket } = await scene();
    const posted = await comment(bucket.id, member);
    const other = await t.given.member({ organisationId: member.organisationId, role });
    expect((await api().delete(`/api/comments/${posted.id}`).set(t.given.authFor(other))).status).toBe(403);
  });

  it('refuses the proposer of the bucket, who is no moderator', async () => {
    const { proposer, member, bucket } = await scene();
    const posted = await comment(bucket.id, member);
    expect((await api().delete(`/api/comments/${posted.id}`).set(t.given.authFor(proposer))).status).toBe(403);
  });

  it("refuses an admin of another organisation as not found", async () => {
    const { member, bucket } = await scene();
    const posted = await comment(bucket.id, member);
    const outsider = await t.given.admin();
    expect((await api().delete(`/api/comments/${posted.id}`).set(t.given.authFor(outsider))).status).toBe(404);
  });

  it('asks an anonymous caller to sign in', async () => {
    const { member, bucket } = await scene();
    const posted = await comment(bucket.id, member);
    expect((await api().delete(`/api/comments/${posted.id}`)).status).toBe(401);
  });

  it('answers 404 for an unknown comment', async () => {
    const { member } = await scene();
    expect((await api().delete('/api/comments/0190a000-0000-7000-8000-000000000000').set(t.given.authFor(member))).status).toBe(404);
  });
});
