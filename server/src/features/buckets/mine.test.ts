import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testApp, type TestContext } from '../../../test/harness.ts';
import { memberships } from '../../db/schema.ts';
import { bucketHelpers } from '../../../test/bucket-helpers.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());
const { as, anonymous, addProposers } = bucketHelpers(() => t);

describe('GET /api/me/buckets', () => {
  it('lists the projects I carry and those I am invited to, across organisations and rounds', async () => {
    const org = await t.given.org();
    const alice = await t.given.member({ organisationId: org.id, name: 'Alice' });
    const bob = await t.given.member({ organisationId: org.id, name: 'Bob' });
    const round = await t.given.round(org.id, { minCoProposers: 2 });
    const mine = await t.given.bucket(round.id, alice, { title: 'Bread oven' });
    const invitedTo = await t.given.bucket(round.id, bob, { title: 'Bike shed' });
    await addProposers(invitedTo.id, [alice], 'invited');
    await t.given.bucket(round.id, bob, { title: 'Not mine' });
    const declined = await t.given.bucket(round.id, bob, { title: 'Declined' });
    await addProposers(declined.id, [alice], 'declined');

    const otherOrg = await t.given.org();
    const aliceThere = await t.given.member({ organisationId: otherOrg.id, email: alice.email, name: 'Alice' });
    const otherRound = await t.given.round(otherOrg.id, { title: 'Elsewhere' });
    const there = await t.given.bucket(otherRound.id, aliceThere, { title: 'Choir' });

    const res = await as(alice).get('/api/me/buckets');
    expect(res.status).toBe(200);
    const byId = new Map(res.body.buckets.map((b: { id: string }) => [b.id, b]));
    expect([...byId.keys()].sort()).toEqual([mine.id, invitedTo.id, there.id].sort());
    expect(byId.get(mine.id)).toMatchObject({ title: 'Bread oven', myStatus: 'accepted', acceptedProposers: 1, minCoProposers: 2, roundTitle: round.title, currency: round.currency });
    expect(byId.get(invitedTo.id)).toMatchObject({ myStatus: 'invited', acceptedProposers: 1 });
    expect(byId.get(there.id)).toMatchObject({ organisationId: otherOrg.id, roundTitle: 'Elsewhere' });
  });

  it('leaves out the projects of an organisation where I was deactivated', async () => {
    const org = await t.given.org();
    const alice = await t.given.member({ organisationId: org.id });
    const round = await t.given.round(org.id);
    await t.given.bucket(round.id, alice);
    await t.db.update(memberships).set({ active: false }).where(eq(memberships.id, alice.membershipId));
    const res = await as(alice).get('/api/me/buckets');
    expect(res.status).toBe(200);
    expect(res.body.buckets).toEqual([]);
  });

  it('answers 401 without a session', async () => {
    expect((await anonymous.get('/api/me/buckets')).status).toBe(401);
  });
});
