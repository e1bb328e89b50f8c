import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { eq } from 'drizzle-orm';
import { bucketProposers, buckets, criterionFlags } from '../../db/schema.ts';
import { testApp, type TestContext } from '../../../test/harness.ts';
import type { Member } from '../../../test/given.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const api = () => request(t.app.server);

/** A round with a two-criterion grid and a bucket carried by `proposer`. */
async function scene() {
  const proposer = await t.given.member({ name: 'Paula' });
  const orgId = proposer.organisationId;
  const member = await t.given.member({ organisationId: orgId, name: 'Marc' });
  const round = await t.given.round(orgId);
  const local = await t.given.criterion(round.id, { title: 'Local impact' });
  const ecology = await t.given.criterion(round.id, { title: 'Ecology' });
  const bucket = await t.given.bucket(round.id, proposer, { status: 'proposed' });
  return { proposer, member, round, local, ecology, bucket };
}

async function flag(bucketId: string, author: Member, criterionId: string, reason = 'Only helps one street') {
  const res = await api().post(`/api/buckets/${bucketId}/flags`).set(t.given.authFor(author)).send({ criterionId, reason });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

describe('raising a flag', () => {
  it('lets any member flag a bucket on a criterion of its round', async () => {
    const { member, local, bucket } = await scene();
    const res = await api().post(`/api/buckets/${bucket.id}/flags`).set(t.given.authFor(member)).send({ criterionId: local.id, reason: 'Only *one* street' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      bucketId: bucket.id,
      criterionId: local.id,
      author: { membershipId: member.membershipId, name: 'Marc' },
      reason: 'Only *one* street',
      reasonHtml: '<p>Only <em>one</em> street</p>\n',
      mine: true,
      answers: [],
    });
  });

  it('refuses a second flag by the same member on the same criterion as already_flagged', async () => {
    const { member, local, bucket } = await scene();
    const first = await flag(bucket.id, member, local.id);
    const res = await api().post(`/api/buckets/${bucket.id}/flags`).set(t.given.authFor(member)).send({ criterionId: local.id, reason: 'Again' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'already_flagged', flagId: first.id });
  });

  it('lets the same member flag another criterion, and another member the same one', async () => {
    const { proposer, member, local, ecology, bucket } = await scene();
    const raised = [await flag(bucket.id, member, local.id), await flag(bucket.id, member, ecology.id)];
    const other = await t.given.member({ organisationId: proposer.organisationId });
    raised.push(await flag(bucket.id, other, local.id));
    expect(new Set(raised.map((f) => f.id)).size).toBe(3);
    const res = await api().get(`/api/buckets/${bucket.id}/flags`).set(t.given.authFor(proposer));
    expect(res.body.criteria.map((c: { title: string; flags: number }) => [c.title, c.flags])).toEqual([['Local impact', 2], ['Ecology', 1]]);
  });

  it("refuses a criterion of another round, naming the field", async () => {
    const { proposer, member, bucket } = await scene();
    const otherRound = await t.given.round(proposer.organisationId);
    const foreign = await t.given.criterion(otherRound.id);
    const res = await api().post(`/api/buckets/${bucket.id}/flags`).set(t.given.authFor(member)).send({ criterionId: foreign.id, reason: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('criterion_not_in_round');
    expect(res.body.errors[0].path).toBe('body.criterionId');
  });

  it('refuses an unknown criterion the same way', async () => {
    const { member, bucket } = await scene();
    const res = await api().post(`/api/buckets/${bucket.id}/flags`).set(t.given.authFor(member)).send({ criterionId: '0190a000-0000-7000-8000-000000000000', reason: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('criterion_not_in_round');
  });

  it.each([
    ['a missing reason', { reason: undefined }, 'body.reason'],
    ['a blank reason', { reason: '  ' }, 'body.reason'],
    ['a reason over 2,000 characters', { reason: 'x'.repeat(2_001) }, 'body.reason'],
    ['a malformed criterion id', { criterionId: 'nope' }, 'body.criterionId'],
  ])('refuses %s, naming the field', async (_, patch, path) => {
    const { member, local, bucket } = await scene();
    const res = await api().post(`/api/buckets/${bucket.id}/flags`).set(t.given.authFor(member)).send({ criterionId: local.id, reason: 'ok', ...patch });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe(path);
  });

  it('refuses a flag on a rejected bucket as discussion_closed', async () => {
    const { member, local, bucket } = await scene();
    await t.db.update(buckets).set({ status: 'rejected' }).where(eq(buckets.id, bucket.id));
    const res = await api().post(`/api/buckets/${bucket.id}/flags`).set(t.given.authFor(member)).send({ criterionId: local.id, reason: 'x' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('discussion_closed');
  });

  it('asks an anonymous caller to sign in', async () => {
    const { local, bucket } = await scene();
    expect((await api().post(`/api/buckets/${bucket.id}/flags`).send({ criterionId: local.id, reason: 'x' })).status).toBe(401);
  });

  it('refuses a member of another organisation as not found', async () => {
    const { local, bucket } = await scene();
    const outsider = await t.given.member();
    expect((await api().post(`/api/buckets/${bucket.id}/flags`).set(t.given.authFor(outsider)).send({ criterionId: local.id, reason: 'x' })).status).toBe(404);
  });
});

describe('who sees which flags', () => {
  /** Two members flag `local`, one flags `ecology`; the proposer answers the first. */
  async function flagged() {
    const s = await scene();
    const orgId = s.proposer.organisationId;
    const other = await t.given.member({ organisationId: orgId, name: 'Olga' });
    const mine = await flag(s.bucket.id, s.member, s.local.id, 'Too narrow');
    t.clock.advance(1000);
    await flag(s.bucket.id, other, s.local.id, 'Agreed, too narrow');
    t.clock.advance(1000);
    await flag(s.bucket.id, other, s.ecology.id, 'Diesel van');
    await api().post(`/api/flags/${mine.id}/answers`).set(t.given.authFor(s.proposer)).send({ body: 'We will widen it.' }).expect(201);
    return { ...s, other, mine };
  }

  const countsOf = (body: { criteria: { title: string; flags: number }[] }) => body.criteria.map((c) => [c.title, c.flags]);

  it('shows an accepted proposer every flag with its reason, author and answers', async () => {
    const { proposer, bucket } = await flagged();
    const res = await api().get(`/api/buckets/${bucket.id}/flags`).set(t.given.authFor(proposer));
    expect(res.status).toBe(200);
    expect(res.body.visibility).toBe('all');
    expect(countsOf(res.body)).toEqual([['Local impact', 2], ['Ecology', 1]]);
    expect(res.body.flags.map((f: { reason: string }) => f.reason)).toEqual(['Too narrow', 'Agreed, too narrow', 'Diesel van']);
    expect(res.body.flags[0]).toMatchObject({ author: { name: 'Marc' }, mine: false, answers: [{ body: 'We will widen it.', author: { name: 'Paula' } }] });
  });

  it.each(['admin', 'reviewer'] as const)('shows a %s every flag', async (role) => {
    const { proposer, bucket } = await flagged();
    const staff = await t.given.member({ organisationId: proposer.organisationId, role });
    const res = await api().get(`/api/buckets/${bucket.id}/flags`).set(t.given.authFor(staff));
    expect(res.body.visibility).toBe('all');
    expect(res.body.flags).toHaveLength(3);
  });

  it('shows another member the counts per criterion and only their own flags, with the answers to them', async () => {
    const { member, mine, bucket } = await flagged();
    const res = await api().get(`/api/buckets/${bucket.id}/flags`).set(t.given.authFor(member));
    expect(res.body.visibility).toBe('own');
    expect(countsOf(res.body)).toEqual([['Local impact', 2], ['Ecology', 1]]);
    expect(res.body.flags).toHaveLength(1);
    expect(res.body.flags[0]).toMatchObject({ id: mine.id, mine: true, answers: [{ body: 'We will widen it.' }] });
  });

  it('shows a member who flagged nothing the counts alone', async () => {
    const { proposer, bucket } = await flagged();
    const bystander = await t.given.member({ organisationId: proposer.organisationId, role: 'accountant' });
    const res = await api().get(`/api/buckets/${bucket.id}/flags`).set(t.given.authFor(bystander));
    expect(res.body).toMatchObject({ visibility: 'own', flags: [] });
    expect(countsOf(res.body)).toEqual([['Local impact', 2], ['Ecology', 1]]);
  });

  it('treats a proposer who has only been invited as any other member', async () => {
    const { proposer, bucket } = await flagged();
    const invited = await t.given.member({ organisationId: proposer.organisationId });
    await t.db.insert(bucketProposers).values({ bucketId: bucket.id, membershipId: invited.membershipId, status: 'invited' });
    const res = await api().get(`/api/buckets/${bucket.id}/flags`).set(t.given.authFor(invited));
    expect(res.body.visibility).toBe('own');
  });

  it('lists every criterion of the grid, with zero where nobody flagged', async () => {
    const { member, bucket } = await scene();
    const res = await api().get(`/api/buckets/${bucket.id}/flags`).set(t.given.authFor(member));
    expect(countsOf(res.body)).toEqual([['Local impact', 0], ['Ecology', 0]]);
  });

  it('asks an anonymous caller to sign in', async () => {
    const { bucket } = await scene();
    expect((await api().get(`/api/buckets/${bucket.id}/flags`)).status).toBe(401);
  });

  it('refuses a member of another organisation as not found', async () => {
    const { bucket } = await scene();
    const outsider = await t.given.admin();
    expect((await api().get(`/api/buckets/${bucket.id}/flags`).set(t.given.authFor(outsider))).status).toBe(404);
  });
});

describe('withdrawing a flag', () => {
  it('lets its author withdraw it, and the count drops', async () => {
    const { member, local, bucket } = await scene();
    const raised = await flag(bucket.id, member, local.id);
    expect((await api().delete(`/api/flags/${raised.id}`).set(t.given.authFor(member))).status).toBe(204);
    const res = await api().get(`/api/buckets/${bucket.id}/flags`).set(t.given.authFor(member));
    expect(res.body.flags).toEqual([]);
    expect(res.body.criteria[0].flags).toBe(0);
  });

  it('lets its author flag again after withdrawing', async () => {
    const { member, local, bucket } = await scene();
    const raised = await flag(bucket.id, member, local.id);
    await api().delete(`/api/flags/${raised.id}`).set(t.given.authFor(member)).expect(204);
    const again = await flag(bucket.id, member, local.id, 'Second thoughts');
    expect(again.id).not.toBe(raised.id);
    const res = await api().get(`/api/buckets/${bucket.id}/flags`).set(t.given.authFor(member));
    expect(res.body.flags.map((f: { id: string; reason: string }) => [f.id, f.reason])).toEqual([[again.id, 'Second thoughts']]);
  });

  it.each(['admin', 'member'] as const)('refuses a %s who is not its author', async (role) => {
    const { member, local, bucket } = await scene();
    const raised = await flag(bucket.id, member, local.id);
    const other = await t.given.member({ organisationId: member.organisationId, role });
    expect((await api().delete(`/api/flags/${raised.id}`).set(t.given.authFor(other))).status).toBe(403);
  });

  it('answers 404 for a flag already withdrawn', async () => {
    const { member, local, bucket } = await scene();
    const raised = await flag(bucket.id, member, local.id);
    await api().delete(`/api/flags/${raised.id}`).set(t.given.authFor(member)).expect(204);
    expect((await api().delete(`/api/flags/${raised.id}`).set(t.given.authFor(member))).status).toBe(404);
  });

  it('asks an anonymous caller to sign in', async () => {
    const { member, local, bucket } = await scene();
    const raised = await flag(bucket.id, member, local.id);
    expect((await api().delete(`/api/flags/${raised.id}`)).status).toBe(401);
  });

  it('refuses a member of another organisation as not found', async () => {
    const { member, local, bucket } = await scene();
    const raised = await flag(bucket.id, member, local.id);
    const outsider = await t.given.member();
    expect((await api().delete(`/api/flags/${raised.id}`).set(t.given.authFor(outsider))).status).toBe(404);
  });
});

describe('answering a flag', () => {
  it('lets an accepted proposer answer, and the answer is listed with the flag', async () => {
    const { proposer, member, local, bucket } = await scene();
    const raised = await flag(bucket.id, member, local.id);
    const res = await api().post(`/api/flags/${raised.id}/answers`).set(t.given.authFor(proposer)).send({ body: 'We deliver to **three** streets.' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ flagId: raised.id, author: { membershipId: proposer.membershipId }, bodyHtml: '<p>We deliver to <strong>three</strong> streets.</p>\n' });
    const list = await api().get(`/api/buckets/${bucket.id}/flags`).set(t.given.authFor(proposer));
    expect(list.body.flags[0].answers).toEqual([res.body]);
  });

  it.each(['admin', 'reviewer'] as const)('lets a %s answer', async (role) => {
    const { member, local, bucket } = await scene();
    const raised = await flag(bucket.id, member, local.id);
    const staff = await t.given.member({ organisationId: member.organisationId, role });
    expect((await api().post(`/api/flags/${raised.id}/answers`).set(t.given.authFor(staff)).send({ body: 'Noted.' })).status).toBe(201);
  });

  it('refuses a member who does not carry the bucket, even the flag author', async () => {
    const { member, local, bucket } = await scene();
    const raised = await flag(bucket.id, member, local.id);
    expect((await api().post(`/api/flags/${raised.id}/answers`).set(t.given.authFor(member)).send({ body: 'Me again' })).status).toBe(403);
  });

  it('refuses an answer on a withdrawn bucket as discussion_closed', async () => {
    const { proposer, member, local, bucket } = await scene();
    const raised = await flag(bucket.id, member, local.id);
    await t.db.update(buckets).set({ status: 'withdrawn' }).where(eq(buckets.id, bucket.id));
    const res = await api().post(`/api/flags/${raised.id}/answers`).set(t.given.authFor(proposer)).send({ body: 'Too late' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('discussion_closed');
  });

  it('names the field when the answer is empty', async () => {
    const { proposer, member, local, bucket } = await scene();
    const raised = await flag(bucket.id, member, local.id);
    const res = await api().post(`/api/flags/${raised.id}/answers`).set(t.given.authFor(proposer)).send({ body: '' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.body');
  });

  it('asks an anonymous caller to sign in', async () => {
    const { member, local, bucket } = await scene();
    const raised = await flag(bucket.id, member, local.id);
    expect((await api().post(`/api/flags/${raised.id}/answers`).send({ body: 'x' })).status).toBe(401);
  });

  it('refuses an admin of another organisation as not found', async () => {
    const { member, local, bucket } = await scene();
    const raised = await flag(bucket.id, member, local.id);
    const outsider = await t.given.admin();
    expect((await api().post(`/api/flags/${raised.id}/answers`).set(t.given.authFor(outsider)).send({ body: 'x' })).status).toBe(404);
  });
});

describe("a round's flags in one read", () => {
  /** Two buckets in one round: Marc flags both, Olga flags the first; the proposer answers Marc on the first. */
  async function round() {
    const s = await scene();
    const orgId = s.proposer.organisationId;
    const other = await t.given.member({ organisationId: orgId, name: 'Olga' });
    const second = await t.given.bucket(s.round.id, s.proposer, { status: 'open', title: 'Second' });
    const quiet = await t.given.bucket(s.round.id, s.proposer, { status: 'open', title: 'Nobody flagged it' });
    const marc = await flag(s.bucket.id, s.member, s.ecology.id, 'Diesel van');
    t.clock.advance(1000);
    await flag(s.bucket.id, other, s.local.id, 'One street');
    t.clock.advance(1000);
    await flag(second.id, s.member, s.local.id, 'Far away');
    await api().post(`/api/flags/${marc.id}/answers`).set(t.given.authFor(s.proposer)).send({ body: 'An electric one.' }).expect(201);
    return { ...s, other, second, quiet };
  }

  const shape = (body: { buckets: { title: string; visibility: string; criteria: { title: string; flags: number }[]; flags: { reason: string }[] }[] }) =>
    body.buckets.map((b) => ({ title: b.title, visibility: b.visibility, criteria: b.criteria.map((c) => [c.title, c.flags]), reasons: b.flags.map((f) => f.reason) }));

  it.each(['admin', 'reviewer'] as const)('gives a %s every flagged bucket with every flag, criteria in the grid’s order', async (role) => {
    const { proposer, round: r, bucket } = await round();
    const staff = await t.given.member({ organisationId: proposer.organisationId, role });
    const res = await api().get(`/api/rounds/${r.id}/flags`).set(t.given.authFor(staff));
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('open');
    expect(shape(res.body)).toEqual([
      { title: bucket.title, visibility: 'all', criteria: [['Local impact', 1], ['Ecology', 1]], reasons: ['Diesel van', 'One street'] },
      { title: 'Second', visibility: 'all', criteria: [['Local impact', 1]], reasons: ['Far away'] },
    ]);
    expect(res.body.buckets[0].flags[0].answers).toMatchObject([{ body: 'An electric one.', author: { name: 'Paula' } }]);
  });

  it('gives another member the counts and only their own flags, as on each bucket', async () => {
    const { other, round: r, bucket } = await round();
    const res = await api().get(`/api/rounds/${r.id}/flags`).set(t.given.authFor(other));
    expect(shape(res.body)).toEqual([
      { title: bucket.title, visibility: 'own', criteria: [['Local impact', 1], ['Ecology', 1]], reasons: ['One street'] },
      { title: 'Second', visibility: 'own', criteria: [['Local impact', 1]], reasons: [] },
    ]);
  });

  it('leaves out buckets whose discussion is over, unless every flag is asked for', async () => {
    const { member, round: r, second } = await round();
    await t.db.update(buckets).set({ status: 'rejected' }).where(eq(buckets.id, second.id));
    const reviewer = await t.given.member({ organisationId: member.organisationId, role: 'reviewer' });
    const open = await api().get(`/api/rounds/${r.id}/flags`).set(t.given.authFor(reviewer));
    expect(open.body.buckets.map((b: { title: string }) => b.title)).not.toContain('Second');
    const all = await api().get(`/api/rounds/${r.id}/flags?state=all`).set(t.given.authFor(reviewer));
    expect(all.body.state).toBe('all');
    expect(all.body.buckets.map((b: { title: string }) => b.title)).toContain('Second');
  });

  it('hides a flagged draft from a member who does not carry it, and shows it to its proposer', async () => {
    const { member, proposer, round: r, local } = await round();
    const draft = await t.given.bucket(r.id, proposer, { status: 'draft', title: 'A draft' });
    await t.db.insert(criterionFlags).values({ bucketId: draft.id, criterionId: local.id, authorId: member.membershipId, reason: 'Early doubt' });
    const bystander = await t.given.member({ organisationId: member.organisationId });
    const titles = async (who: Member) => (await api().get(`/api/rounds/${r.id}/flags`).set(t.given.authFor(who))).body.buckets.map((b: { title: string }) => b.title);
    expect(await titles(bystander)).not.toContain('A draft');
    expect(await titles(proposer)).toContain('A draft');
  });

  it('answers an empty list for a round nobody flagged', async () => {
    const member = await t.given.member();
    const r = await t.given.round(member.organisationId);
    const res = await api().get(`/api/rounds/${r.id}/flags`).set(t.given.authFor(member));
    expect(res.body).toEqual({ state: 'open', buckets: [] });
  });

  it('names the field for an unknown state', async () => {
    const { member, round: r } = await round();
    const res = await api().get(`/api/rounds/${r.id}/flags?state=closed`).set(t.given.authFor(member));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('querystring.state');
  });

  it('asks an anonymous caller to sign in, and refuses another organisation as not found', async () => {
    const { round: r } = await round();
    expect((await api().get(`/api/rounds/${r.id}/flags`)).status).toBe(401);
    const outsider = await t.given.admin();
    expect((await api().get(`/api/rounds/${r.id}/flags`).set(t.given.authFor(outsider))).status).toBe(404);
  });
});
