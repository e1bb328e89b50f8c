import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createPool, type Db } from '../../src/db/client.ts';
import { freePort } from '../../src/db/embedded.ts';
import { openLive } from '../live-client.ts';
import { eventually } from '../eventually.ts';
import { testConfig } from '../harness.ts';
import { makeGiven } from '../given.ts';
import { allocationLoad, ledgerProblems } from './allocation-load.ts';
import { isRunning, postmasterPid, startAppProcess, type AppProcess } from './app-process.ts';

/**
 * PostgreSQL is killed with SIGKILL under allocation load. Two app processes use it as in
 * production: `embedded` started it, as `npm start` does with no DATABASE_URL, and must start
 * it again; `external` reaches it through DATABASE_URL and must only wait. Neither may hang:
 * they answer 503 problems until it is back, then carry on, live sockets included. This file
 * has its own cluster (the embedded app's), since the suite's cannot die under other files.
 */
let parent: string;
let dataDir: string;
let embedded: AppProcess | undefined;
let external: AppProcess | undefined;
let pool: pg.Pool | undefined;
let db: Db;
let url: string;

beforeAll(async () => {
  parent = mkdtempSync(path.join(tmpdir(), 'cagnotte-faults-'));
  chmodSync(parent, 0o755); // as root, PostgreSQL runs as its own user and must enter it
  dataDir = path.join(parent, 'pg');
  const pgPort = await freePort();
  embedded = await startAppProcess({ DATA_DIR: parent, EMBEDDED_PG_PORT: String(pgPort), LIVE_FRAME_MS: '20' }, 90_000);
  url = `postgres://postgres:cagnotte@127.0.0.1:${pgPort}/cagnotte`;
  external = await startAppProcess({ DATABASE_URL: url, LIVE_FRAME_MS: '20' });
  pool = createPool(url, 4);
  db = createDb(pool);
}, 180_000);

afterAll(async () => {
  await pool?.end();
  await external?.end('SIGKILL');
  await embedded?.end('SIGKILL');
  // Whatever the outcome, no PostgreSQL of this file outlives it.
  const pid = dataDir ? postmasterPid(dataDir) : undefined;
  if (pid && isRunning(pid)) process.kill(pid, 'SIGKILL');
  if (parent) rmSync(parent, { recursive: true, force: true });
});

const listeners = async () =>
  Number(
    ((await db.execute(sql`SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE application_name = 'cagnotte-live' AND query ILIKE 'LISTEN%'`)).rows[0] as { n: number }).n,
  );

describe('when PostgreSQL is killed under allocation load', () => {
  it('answers fast 503 problems meanwhile, is restarted by the app that embeds it, and loses nothing', async () => {
    const [first, second] = [embedded!, external!];
    const given = makeGiven({ db, config: testConfig(), now: () => new Date() });
    const { round, members, buckets } = await given.fundingRound({
      members: 4,
      buckets: 3,
      round: { defaultAllowanceCents: 10_000_000 },
      lines: [{ label: 'Everything', amountCents: 10_000_000, essential: true }],
    });
    await eventually(async () => (await listeners()) === 2, 'both LISTEN connections', 15_000);
    const live = await openLive(second.base, round.id, { token: members[0]!.token });
    await live.next('snapshot');

    const load = allocationLoad({ tag: 'pgkill', tokens: members.map((m) => m.token), bucketIds: buckets.map((b) => b.id) });
    const baseOf = (member: number) => (member % 2 === 0 ? first.base : second.base);
    // The load runs until 40 allocations after the kill: stopping earlier (it once stopped at 40
    // in all) could leave no allocation to wait for the lock taken below.
    let target = Number.POSITIVE_INFINITY;
    const running = load.run(baseOf, { until: () => load.acknowledged.length >= target, withinMs: 60_000, onNetworkError: 'retry' });
    await eventually(() => load.acknowledged.length >= 20, '20 allocations before the kill', 20_000);

    // One allocation is inside PostgreSQL when it dies: it waits for a row lock held here.
    const locker = new pg.Client({ connectionString: url });
    locker.on('error', () => undefined);
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM participants WHERE round_id = $1 AND membership_id = $2 FOR UPDATE', [round.id, members[0]!.membershipId]);
    const blocked = async () =>
      Number(((await locker.query(`SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE application_name = 'cagnotte' AND wait_event_type = 'Lock'`)).rows[0] as { n: number }).n);
    await eventually(async () => (await blocked()) > 0, 'an allocation waiting for the lock', 10_000);

    const killed = postmasterPid(dataDir)!;
    const killedAt = Date.now();
    process.kill(killed, 'SIGKILL');
    void locker.end().catch(() => undefined);
    target = load.acknowledged.length + 40;
    await running;

    expect(load.unexpected, `${first.output(20)}\n${second.output(20)}`).toEqual([]);
    expect(load.pending()).toBe(0);
    expect(load.unavailable.length, 'requests answered while PostgreSQL was down').toBeGreaterThan(0);
    for (const reply of load.unavailable) {
      expect(reply.contentType).toMatch(/^application\/problem\+json/);
      expect(reply.code).toBe('database_unavailable');
    }
    // Requests sent while it is down (not the one this test held in a lock before) get them fast.
    const whileDown = load.unavailable.filter((reply) => reply.startedAt >= killedAt);
    expect(whileDown.length).toBeGreaterThan(0);
    expect(Math.max(...whileDown.map((reply) => reply.ms)), 'slowest 503, in ms').toBeLessThan(3_000);
    expect([...load.retried].some((key) => key.startsWith('pgkill-m0-')), 'the allocation caught inside PostgreSQL was retried').toBe(true);

    const restarted = postmasterPid(dataDir);
    expect(restarted).not.toBe(killed);
    expect(isRunning(restarted!)).toBe(true);
    expect(first.output()).toMatch(/is gone; starting it again/);

    // Both LISTEN connections are back, and the sockets of the external app get frames again.
    await eventually(async () => (await listeners()) === 2, 'both LISTEN connections after the restart', 20_000);
    target = load.acknowledged.length + 8;
    await load.run(first.base, { until: () => load.acknowledged.length >= target, withinMs: 20_000, onNetworkError: 'retry' });
    const last = load.acknowledged.at(-1)!;
    const [bucket] = (await db.execute(sql`SELECT funded_cents FROM buckets WHERE id = ${last.bucketId}`)).rows as Array<{ funded_cents: number }>;
    await live.next('frame', (f) => f.buckets.some((b) => b.bucketId === last.bucketId && b.fundedCents === bucket!.funded_cents), 15_000);
    live.close();

    expect(load.unexpected).toEqual([]);
    expect(await ledgerProblems(db, round.id, load)).toEqual([]);

    // The app stops the server it restarted, not the dead one.
    await pool!.end();
    pool = undefined;
    expect(await second.end('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(await first.end('SIGTERM'), first.output(20)).toEqual({ code: 0, signal: null });
    expect(isRunning(restarted!)).toBe(false);
  }, 150_000);
});
