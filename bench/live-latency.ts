/**
 * Live delivery latency: allocation commit → the frame carrying it received, on every socket.
 *
 *   npx tsx bench/live-latency.ts --sockets 1000 --instances 2 --rate 200 --seconds 10
 *   npx tsx bench/live-latency.ts --sockets 1000 --rate 500 --drive db    # fan-out alone, no HTTP
 *   npx tsx bench/live-latency.ts --sockets 10000 --idle                  # server memory of idle sockets
 *
 * `--drive http` (the default) allocates through the API, so the figure includes the request
 * pipeline. `--drive db` calls cagnotte_allocate() directly from this process and announces each
 * allocation with the same NOTIFY another instance would send, in the same statement (so it is
 * delivered at commit): the servers then do only the live part, reads and fan-out. `--idle`
 * opens the sockets, allocates nothing, and reports each server's memory.
 *
 * Boots one or two real app instances (buildApp, each in a child process of its own, with its
 * own pool and LISTEN connection) on a throwaway embedded PostgreSQL (or a fresh database on
 * TEST_DATABASE_URL's server); this process opens N WebSockets spread over the instances and sends allocations through the real
 * `PUT /api/buckets/:id/allocation`, round-robin over the instances, at a fixed rate. The commit
 * time of an allocation is taken when its HTTP reply arrives (the reply is sent right after the
 * commit); its fundingVersion, from the reply, says which frame carries it. Loopback only;
 * bounded in sockets, rate and time.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { WebSocket } from 'ws';
import { buildApp } from '../server/src/app.ts';
import { baseConfig, type AppConfig } from '../server/src/config.ts';
import { createDb, createPool } from '../server/src/db/client.ts';
import { freePort, startEmbeddedDatabase } from '../server/src/db/embedded.ts';
import { runMigrations } from '../server/src/db/migrate.ts';
import { encodeChanges, LIVE_CHANNEL } from '../server/src/features/live/notices.ts';
import { makeGiven } from '../server/test/given.ts';

const { values: args } = parseArgs({
  options: {
    sockets: { type: 'string', default: '1000' },
    instances: { type: 'string', default: '1' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    buckets: { type: 'string', default: '50' },
    members: { type: 'string', default: '200' },
    'frame-ms': { type: 'string', default: '100' },
    drive: { type: 'string', default: 'http' },
    idle: { type: 'boolean', default: false },
    serve: { type: 'boolean', default: false },
  },
});

function bounded(name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}
const SOCKETS = bounded('sockets', args.sockets, 1, 10_000);
const INSTANCES = bounded('instances', args.instances, 1, 2);
const RATE = bounded('rate', args.rate, 1, 2000);
const SECONDS = bounded('seconds', args.seconds, 1, 60);
const BUCKETS = bounded('buckets', args.buckets, 1, 200);
const MEMBERS = bounded('members', args.members, 1, 1000);
const FRAME_MS = bounded('frame-ms', args['frame-ms'], 10, 1000);
const MAX_IN_FLIGHT = 32;
const DRIVE = args.drive;
if (DRIVE !== 'http' && DRIVE !== 'db') throw new Error('--drive must be http or db');
const IDLE = args.idle;

const log = (line: string) => process.stderr.write(`${line}\n`);

async function database(): Promise<{ url: string; stop: () => Promise<void> }> {
  let serverUrl = process.env.TEST_DATABASE_URL;
  let stopServer = async () => undefined as void;
  let dir: string | undefined;
  if (!serverUrl) {
    dir = mkdtempSync(path.join(tmpdir(), 'cagnotte-bench-'));
    chmodSync(dir, 0o755); // as root, postgres runs as its own user and must enter it
    const embedded = await startEmbeddedDatabase({ dataDir: path.join(dir, 'pg'), port: await freePort(), throwaway: true });
    serverUrl = embedded.url;
    stopServer = embedded.stop;
  }
  const name = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    stop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
      await stopServer();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function config(secret: Uint8Array): AppConfig {
  return baseConfig({
    publicUrl: 'http://127.0.0.1',
    sessionSecret: secret,
    sessionDays: 1,
    logLevel: 'warn',
    liveFrameMs: FRAME_MS,
    schedulerIntervalMs: 0,
    rateLimit: { signInPerMinute: 1000 },
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** An app instance in a child process, so that the sockets' and the load's work does not slow it. */
async function serve(): Promise<void> {
  const setup = await new Promise<{ url: string; secret: string }>((resolve) => process.once('message', (m) => resolve(m as { url: string; secret: string })));
  const pool = createPool(setup.url, 20);
  const app = await buildApp({ config: config(Buffer.from(setup.secret, 'hex')), db: createDb(pool), pool, databaseUrl: setup.url });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  while (app.live.listener.connections() === 0) await new Promise((r) => setTimeout(r, 10));
  process.send?.({ base });
  process.on('message', (message) => {
    if (message === 'memory') {
      global.gc?.();
      process.send?.({ memory: process.memoryUsage(), sockets: app.live.subscribers() });
      return;
    }
    void app.close().then(() => pool.end()).then(() => process.exit(0));
  });
}

type Memory = { memory: NodeJS.MemoryUsage; sockets: number };
const memoryOf = (child: ChildProcess): Promise<Memory> =>
  new Promise((resolve) => {
    const listener = (m: unknown) => {
      if (typeof m !== 'object' || m === null || !('memory' in m)) return;
      child.off('message', listener);
      resolve(m as Memory);
    };
    child.on('message', listener);
    child.send('memory');
  });
const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);

function startInstance(url: string, secret: string): Promise<{ child: ChildProcess; base: string }> {
  // --expose-gc: the memory figure is taken after a full collection.
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: [...process.execArgv, '--expose-gc'] });
  child.send({ url, secret });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, base: (m as { base: string }).base }));
    child.once('exit', (code) => reject(new Error(`instance exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  const db0 = await database();
  const pools: pg.Pool[] = [];
  const children: ChildProcess[] = [];
  const sockets: WebSocket[] = [];
  try {
    const secret = randomBytes(32);
    const cfg = config(secret);
    const setupPool = createPool(db0.url, 10);
    pools.push(setupPool);
    await runMigrations(createDb(setupPool));
    const given = makeGiven({ db: createDb(setupPool), config: cfg, now: () => new Date() });
    log(`fixtures: ${MEMBERS} members, ${BUCKETS} buckets`);
    const { round, members, buckets } = await given.fundingRound({ members: MEMBERS, buckets: BUCKETS });

    const bases: string[] = [];
    for (let i = 0; i < INSTANCES; i++) {
      const instance = await startInstance(db0.url, secret.toString('hex'));
      children.push(instance.child);
      bases.push(instance.base);
    }

    const memoryBefore = await Promise.all(children.map(memoryOf));

    // What each socket saw: per bucket the highest version, and compact receipt records.
    const bucketIndex = new Map(buckets.map((b, i) => [b.id, i]));
    const lastSeen = new Int32Array(SOCKETS * BUCKETS);
    const recBucket: number[] = [];
    const recFrom: number[] = [];
    const recTo: number[] = [];
    const recAt: number[] = [];
    let messages = 0;

    log(`opening ${SOCKETS} sockets on ${INSTANCES} instance(s)`);
    const opened: Promise<void>[] = [];
    for (let s = 0; s < SOCKETS; s++) {
      const member = members[s % members.length];
      if (!member) throw new Error('no member');
      const base = bases[s % bases.length] ?? '';
      const socket = new WebSocket(`${base.replace('http', 'ws')}/api/rounds/${round.id}/live`, { headers: { authorization: `Bearer ${member.token}` } });
      sockets.push(socket);
      opened.push(
        new Promise((resolve, reject) => {
          socket.on('message', (data) => {
            const at = performance.now();
            messages++;
            const message = JSON.parse(data.toString()) as { type: string; buckets?: { bucketId: string; fundingVersion: number }[] };
            if (message.type === 'snapshot') resolve();
            if (message.type !== 'snapshot' && message.type !== 'frame') return;
            for (const b of message.buckets ?? []) {
              const index = bucketIndex.get(b.bucketId);
              if (index === undefined) continue;
              const slot = s * BUCKETS + index;
              const before = lastSeen[slot] ?? 0;
              if (b.fundingVersion <= before) continue;
              lastSeen[slot] = b.fundingVersion;
              if (message.type === 'frame') {
                recBucket.push(index);
                recFrom.push(before);
                recTo.push(b.fundingVersion);
                recAt.push(at);
              }
            }
          });
          socket.once('error', reject);
          socket.once('close', (code) => reject(new Error(`socket closed early: ${code}`)));
        }),
      );
      if (s % 200 === 199) await Promise.all(opened.slice(-200));
    }
    await Promise.all(opened);
    messages = 0;

    if (IDLE) {
      const after = await Promise.all(children.map(memoryOf));
      console.log(JSON.stringify({
        sockets: SOCKETS,
        instances: INSTANCES,
        idle: true,
        perInstance: after.map((m, i) => ({
          sockets: m.sockets,
          rssMiB: mib(m.memory.rss),
          rssBeforeSocketsMiB: mib(memoryBefore[i]?.memory.rss ?? 0),
          heapUsedMiB: mib(m.memory.heapUsed),
          kibPerSocket: Math.round((m.memory.rss - (memoryBefore[i]?.memory.rss ?? 0)) / 1024 / Math.max(1, m.sockets)),
        })),
        serverRssMiB: after.reduce((n, m) => n + mib(m.memory.rss), 0),
        loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
      }));
      return;
    }

    // --drive db: the allocation and its notice in one statement, so the NOTIFY goes out at commit.
    const driver = DRIVE === 'db' ? createPool(db0.url, MAX_IN_FLIGHT) : undefined;
    if (driver) pools.push(driver);
    const allocate = async (n: number, member: (typeof members)[number], bucketId: string, amount: number): Promise<{ ok: boolean; fundingVersion?: number }> => {
      if (!driver) {
        const res = await fetch(`${bases[n % bases.length]}/api/buckets/${bucketId}/allocation`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${member.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ amountCents: amount }),
        });
        const body = (await res.json()) as { bucket?: { fundingVersion: number } };
        return { ok: res.ok && !!body.bucket, fundingVersion: body.bucket?.fundingVersion };
      }
      const [notice] = encodeChanges('bench-driver', { roundId: round.id, bucketIds: [bucketId], membershipIds: [member.membershipId], round: false });
      const { rows } = await driver.query<{ outcome: { outcome: string; bucket?: { funding_version: number } } }>(
        `SELECT cagnotte_allocate($1, NULL, $2, $3, $4, $5, $6, $7, $6) AS outcome, pg_notify($8, $9)`,
        [member.personId, `bench-${n}`, `bench-${n}`, round.id, bucketId, member.membershipId, amount, LIVE_CHANNEL, notice],
      );
      const outcome = rows[0]?.outcome;
      return { ok: outcome?.outcome === 'ok', fundingVersion: outcome?.bucket?.funding_version };
    };

    // Load: allocations at a fixed rate, round-robin over the instances.
    const committedAt: Map<number, number>[] = buckets.map(() => new Map());
    const amounts = new Map<string, number>();
    let sent = 0;
    let ok = 0;
    let refused = 0;
    let inFlight = 0;
    let skipped = 0;
    const started = performance.now();
    const deadline = started + SECONDS * 1000;
    log(`allocating at ${RATE}/s for ${SECONDS} s`);
    await new Promise<void>((done) => {
      const tick = setInterval(() => {
        const now = performance.now();
        if (now >= deadline) {
          clearInterval(tick);
          done();
          return;
        }
        const due = Math.floor(((now - started) / 1000) * RATE) - sent - skipped;
        for (let i = 0; i < due; i++) {
          if (inFlight >= MAX_IN_FLIGHT) {
            skipped++;
            continue;
          }
          const n = sent++;
          const member = members[Math.floor(Math.random() * members.length)];
          const bi = Math.floor(Math.random() * buckets.length);
          const bucket = buckets[bi];
          if (!member || !bucket) continue;
          const key = `${member.membershipId}:${bucket.id}`;
          const previous = amounts.get(key) ?? 0;
          let amount = 1 + Math.floor(Math.random() * 500);
          if (amount === previous) amount = amount === 500 ? 1 : amount + 1;
          amounts.set(key, amount);
          inFlight++;
          allocate(n, member, bucket.id, amount)
            .then((result) => {
              const at = performance.now();
              if (result.ok && result.fundingVersion !== undefined) {
                ok++;
                committedAt[bi]?.set(result.fundingVersion, at);
              } else refused++;
            })
            .catch(() => refused++)
            .finally(() => inFlight--);
        }
      }, 5);
    });
    while (inFlight > 0) await new Promise((r) => setTimeout(r, 10));
    // Let the last frames arrive: two frame intervals plus slack.
    await new Promise((r) => setTimeout(r, FRAME_MS * 3 + 200));
    const elapsed = (performance.now() - started) / 1000;

    const latencies: number[] = [];
    for (let i = 0; i < recAt.length; i++) {
      const commits = committedAt[recBucket[i] ?? -1];
      for (let v = (recFrom[i] ?? 0) + 1; v <= (recTo[i] ?? 0); v++) {
        const at = commits?.get(v);
        if (at !== undefined) latencies.push((recAt[i] ?? 0) - at);
      }
    }
    const sorted = Float64Array.from(latencies).sort();
    const expected = ok * SOCKETS;
    const memoryAfter = await Promise.all(children.map(memoryOf));
    const result = {
      sockets: SOCKETS,
      instances: INSTANCES,
      drive: DRIVE,
      frameMs: FRAME_MS,
      buckets: BUCKETS,
      targetRate: RATE,
      allocationsOk: ok,
      allocationsRefused: refused,
      allocationsSkippedBackpressure: skipped,
      achievedRate: Math.round(ok / SECONDS),
      deliveries: latencies.length,
      deliveriesExpected: expected,
      messagesPerSecond: Math.round(messages / elapsed),
      p50ms: Math.round(percentile(sorted, 50) * 10) / 10,
      p90ms: Math.round(percentile(sorted, 90) * 10) / 10,
      p99ms: Math.round(percentile(sorted, 99) * 10) / 10,
      maxMs: Math.round((sorted[sorted.length - 1] ?? Number.NaN) * 10) / 10,
      serverRssMiB: memoryAfter.map((m) => mib(m.memory.rss)),
      loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
    };
    console.log(JSON.stringify(result));
  } finally {
    for (const socket of sockets) socket.terminate();
    await Promise.all(children.map((child) => new Promise((resolve) => {
      child.once('exit', resolve);
      child.send('stop');
    })));
    for (const pool of pools) await pool.end();
    await db0.stop();
  }
}

(args.serve ? serve() : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
