import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { formatMoney } from '@cagnotte/shared';
import { testApp, type TestContext } from '../../../test/harness.ts';
import type { Member } from '../../../test/given.ts';
import { grant } from '../ledger/index.ts';
import { formatCloseDate } from './mail.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const HOUR = 3_600_000;

const mailsTo = (member: Member) => t.mail.sent.filter((m) => m.to === member.email);

/**
 * A round closing in 30 hours. Alice has 33,000 left, Bob spent everything, Carol is
 * deactivated, Dave takes part with no allowance; the admin spent nothing.
 */
async function closingRound() {
  const closesAt = new Date(t.clock.now().getTime() + 30 * HOUR);
  const given = await t.given.fundingRound({ members: 4, round: { closesAt }, lines: [{ label: 'Roof', amountCents: 500_000, essential: true }] });
  const [alice, bob, carol, dave] = given.members as [Member, Member, Member, Member];
  const bucket = given.buckets[0]!;
  await t.allocate(alice, bucket.id, 10_000).expect(200);
  await t.allocate(bob, bucket.id, 43_000).expect(200);
  await t.db.execute(sql`UPDATE memberships SET active = false WHERE id = ${carol.membershipId}`);
  await t.db.transaction((tx) => grant(tx, { round: given.round, membershipId: dave.membershipId, deltaCents: -43_000, enteredBy: given.admin.membershipId, reason: 'no allowance' }));
  return { ...given, closesAt, alice, bob, carol, dave, bucket };
}

describe('the reminder the day before the close', () => {
  it('tells each participant with money left how much and when the round closes, in the organisation’s language and time zone', async () => {
    const { closesAt, alice, admin } = await closingRound();
    t.clock.advance(6 * HOUR + 1);
    await t.app.jobs.runDue();
    const [mail] = mailsTo(alice);
    expect(mailsTo(alice)).toHaveLength(1);
    expect(mail!.body).toContain(formatMoney(33_000, 'EUR', 'fr'));
    expect(mail!.body).toContain(formatCloseDate(closesAt, 'fr', 'Europe/Paris'));
    expect(mailsTo(admin)).toHaveLength(1);
    expect(mailsTo(admin)[0]!.body).toContain(formatMoney(43_000, 'EUR', 'fr'));
  });

  it('leaves out who spent everything, who has no allowance and who was deactivated', async () => {
    const { bob, carol, dave } = await closingRound();
    t.clock.advance(6 * HOUR + 1);
    await t.app.jobs.runDue();
    expect([...mailsTo(bob), ...mailsTo(carol), ...mailsTo(dave)]).toEqual([]);
  });

  it('sends nothing earlier than the day before', async () => {
    const { alice } = await closingRound();
    t.clock.advance(6 * HOUR - 1_000);
    await t.app.jobs.runDue();
    expect(mailsTo(alice)).toEqual([]);
  });

  it('sends each reminder once, however many passes and instances run', async () => {
    const { round, alice, admin } = await closingRound();
    t.clock.advance(6 * HOUR + 1);
    await Promise.all([t.app.jobs.runDue(), t.app.jobs.runDue(), t.app.jobs.runDue()]);
    t.clock.advance(HOUR);
    await t.app.jobs.runDue();
    expect(mailsTo(alice)).toHaveLength(1);
    expect(mailsTo(admin)).toHaveLength(1);
    const [row] = (await t.db.execute(sql`SELECT COUNT(*)::int AS n FROM participants WHERE round_id = ${round.id} AND reminded_at IS NOT NULL`)).rows;
    expect(row!.n).toBe(2);
  });

  it('reminds on a later pass a member who joined the round after the first one', async () => {
    const { round, admin } = await closingRound();
    t.clock.advance(6 * HOUR + 1);
    await t.app.jobs.runDue();
    const erin = await t.given.member({ organisationId: admin.organisationId });
    await t.db.transaction((tx) => grant(tx, { round, membershipId: erin.membershipId, deltaCents: 12_345, enteredBy: admin.membershipId, reason: 'joined late' }));
    await t.app.jobs.runDue();
    expect(mailsTo(erin)).toHaveLength(1);
    expect(mailsTo(erin)[0]!.body).toContain(formatMoney(12_345, 'EUR', 'fr'));
  });

  it('writes in English with the organisation’s time zone', async () => {
    const { closesAt, alice, admin } = await closingRound();
    await t.db.execute(sql`UPDATE organisations SET locale = 'en', time_zone = 'America/New_York' WHERE id = ${admin.organisationId}`);
    t.clock.advance(6 * HOUR + 1);
    await t.app.jobs.runDue();
    const [mail] = mailsTo(alice);
    expect(mail!.subject).toContain(formatMoney(33_000, 'EUR', 'en'));
    expect(mail!.body).toContain(formatCloseDate(closesAt, 'en', 'America/New_York'));
  });

  it('sends nothing once the round closed', async () => {
    const { alice } = await closingRound();
    t.clock.advance(30 * HOUR);
    await t.app.jobs.runDue();
    expect(mailsTo(alice)).toEqual([]);
  });
});
