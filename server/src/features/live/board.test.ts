import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { testApp, type TestContext } from '../../../test/harness.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

describe('the board snapshot', () => {
  it('shows totals that add up to its buckets even while money moves', async () => {
    const { admin, round, members, buckets } = await t.given.fundingRound({ members: 1, buckets: 1 });
    const [member, bucket] = [members[0], buckets[0]];
    if (!member || !bucket) throw new Error('no member or bucket');
    // A writer moving one cent at a time, as committed allocations do: participant and bucket
    // change together in each transaction, so any one snapshot sees them agree.
    let writing = true;
    const writer = (async () => {
      const client = await t.pool.connect();
      try {
        for (let cents = 1; writing && cents < 5_000; cents++) {
          await client.query('BEGIN');
          await client.query('UPDATE participants SET allocated_cents = $2 WHERE round_id = $1 AND membership_id = $3', [round.id, cents, member.membershipId]);
          await client.query('UPDATE buckets SET funded_cents = $2, funding_version = funding_version + 1 WHERE id = $1', [bucket.id, cents]);
          await client.query('COMMIT');
        }
      } finally {
        client.release();
      }
    })();
    try {
      for (let read = 0; read < 150; read++) {
        const res = await request(t.app.server).get(`/api/rounds/${round.id}/board`).set(t.given.authFor(admin)).expect(200);
        const funded = res.body.buckets.reduce((sum: number, b: { fundedCents: number }) => sum + b.fundedCents, 0);
        expect(funded).toBe(res.body.round.totals.allocatedCents);
      }
    } finally {
      writing = false;
      await writer;
    }
  });
});
