import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, testConfig } from '../harness.ts';
import { makeGiven } from '../given.ts';
import { allocationLoad, ledgerProblems } from './allocation-load.ts';
import { startAppProcess, type AppProcess } from './app-process.ts';

/**
 * The app process is killed with SIGKILL — no shutdown hook, requests cut mid-transaction —
 * while members allocate, several times over, then started again. PostgreSQL (the suite's, in
 * a database of this file's own) is the only thing that remembers.
 */
let database: Awaited<ReturnType<typeof freshDatabase>>;
let app: AppProcess | undefined;

beforeAll(async () => {
  database = await freshDatabase();
});

afterAll(async () => {
  await app?.end('SIGKILL');
  await database?.drop();
});

const KILLS = 3;
const PER_LIFE = 40;

describe('when the app process is killed under allocation load', () => {
  it('loses no acknowledged allocation and applies no retried one twice', async () => {
    const given = makeGiven({ db: database.db, config: testConfig(), now: () => new Date() });
    const { round, members, buckets } = await given.fundingRound({
      members: 4,
      buckets: 3,
      round: { defaultAllowanceCents: 10_000_000 },
      lines: [{ label: 'Everything', amountCents: 10_000_000, essential: true }],
    });
    const load = allocationLoad({ tag: 'kill', tokens: members.map((m) => m.token), bucketIds: buckets.map((b) => b.id) });
    const env = { DATABASE_URL: database.url };

    for (let life = 1; life <= KILLS; life++) {
      app = await startAppProcess(env);
      const target = life * PER_LIFE;
      const running = load.run(app.base, { until: () => false, withinMs: 20_000, onNetworkError: 'stop' });
      const deadline = Date.now() + 20_000;
      while (load.acknowledged.length < target && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(load.acknowledged.length, app.output(20)).toBeGreaterThanOrEqual(target);
      // Mid-flight: every member has a request out, or is about to.
      expect(await app.end('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      await running;
    }
    expect(load.pending(), 'members whose request died with the process').toBeGreaterThan(0);

    // The last life: the cut requests are sent again with their keys, then a little more.
    app = await startAppProcess(env);
    const final = (KILLS + 1) * PER_LIFE;
    await load.run(app.base, { until: () => load.acknowledged.length >= final, withinMs: 20_000, onNetworkError: 'retry' });
    expect(load.unexpected).toEqual([]);
    expect(load.pending()).toBe(0);
    expect(load.acknowledged.length).toBeGreaterThanOrEqual(final);
    expect(load.retried.size).toBeGreaterThanOrEqual(1);

    expect(await ledgerProblems(database.db, round.id, load)).toEqual([]);
    expect(await app.end('SIGTERM'), app.output(20)).toEqual({ code: 0, signal: null });
    app = undefined;
  }, 150_000);
});
