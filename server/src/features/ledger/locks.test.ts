import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testApp, type TestContext } from '../../../test/harness.ts';
import { lockRoundExclusive } from './locks.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const sqlState = (error: unknown) => ((error as { cause?: { code?: string } }).cause ?? (error as { code?: string })).code;

describe('the round lock', () => {
  it('is one lock for the allocation function and for TypeScript: a bulk move waits for an allocation in flight', async () => {
    const { round, members: [alice], buckets: [bucket] } = await t.given.fundingRound({ members: 1 });
    const inFlight = await t.pool.connect();
    try {
      await inFlight.query('BEGIN');
      const { rows } = await inFlight.query<{ outcome: string }>(
        "SELECT cagnotte_allocate(NULL, NULL, '', 'lock test', $1, $2, $3, 1000, $3) ->> 'outcome' AS outcome",
        [round.id, bucket!.id, alice!.membershipId],
      );
      expect(rows[0]?.outcome).toBe('ok');

      // While that allocation's transaction is open, the exclusive lock cannot be had.
      const bulk = t.db.transaction(async (tx) => {
        await tx.execute(sql`SET LOCAL lock_timeout = '200ms'`);
        await lockRoundExclusive(tx, round.id);
      });
      const refused = await bulk.then(() => null, (error: unknown) => error);
      expect(sqlState(refused)).toBe('55P03'); // lock_not_available

      await inFlight.query('COMMIT');
      await expect(t.db.transaction((tx) => lockRoundExclusive(tx, round.id))).resolves.toBeUndefined();
    } finally {
      inFlight.release();
    }
  });
});
