/**
 * Live delivery (issue 12, target 3): from an allocation's commit to the frame carrying it, on
 * every socket, while allocations go on at a fixed rate; and the memory of idle sockets.
 *
 *   npm run bench -- live-latency        [--sockets 1000] [--rate 500] [--seconds 10] [--drive db|http]
 *   npm run bench -- live-two-instances  [--sockets 5000] [--rate 500] …    (over two servers)
 *   npm run bench -- live-idle           [--sockets 10000]                  (server memory)
 *
 * The real server as `npm start` runs it (server/dist/main.js, one process per instance, one
 * PostgreSQL shared). The sockets live in a worker thread (bench/live-sockets.ts), the driver in
 * the main thread, so neither waits for the other.
 *
 * `--drive db` (the default) calls `cagnotte_allocate()` from this process through pg, with the
 * NOTIFY another instance would send in the same statement (so it goes out at commit): the
 * servers then do the live part only — the notice, the frame's reads, the fan-out. Through
 * HTTP (`--drive http`) this machine does not reach 500 allocations/s (the request pipeline,
 * target 1), which would cap the rate asked of the hub. The commit time is when the driver gets
 * its reply; the reply's fundingVersion says which frame carries it. The asked rate counts as
 * sustained when at least 95 % of it committed (at most 64 allocations are in flight: beyond,
 * one is skipped, not queued). Loopback only, bounded in sockets, rate and time.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { baseConfig, DEFAULT_LIVE_FRAME_MS } from '../server/src/config.ts';
import { encodeChanges, LIVE_CHANNEL } from '../server/src/features/live/notices.ts';
import { makeGiven } from '../server/test/given.ts';
import type { FromSockets, SocketsReport, SocketsSetup, ToSockets } from './live-sockets.ts';
import { benchDatabase, cpuMs, machineTicks, residentBytes, SECRET, startServer, type Figure } from './support.ts';

const MAX_IN_FLIGHT = 64;
const SUSTAINED = 0.95;
const now = () => performance.timeOrigin + performance.now();
const log = (line: string) => console.log(`  ${line}`);

type Options = { sockets: number; instances: number; rate: number; seconds: number; buckets: number; members: number; frameMs: number; drive: 'db' | 'http'; idle: boolean };

function options(argv: string[], defaults: Pick<Options, 'sockets' | 'instances' | 'idle'>): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      sockets: { type: 'string', default: String(defaults.sockets) },
      instances: { type: 'string', default: String(defaults.instances) },
      rate: { type: 'string', default: '500' },
      seconds: { type: 'string', default: '10' },
      buckets: { type: 'string', default: '50' },
      members: { type: 'string', default: '200' },
      'frame-ms': { type: 'string', default: String(DEFAULT_LIVE_FRAME_MS) },
      drive: { type: 'string', default: 'db' },
    },
  });
  const bounded = (name: string, value: string | undefined, min: number, max: number): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
    return n;
  };
  if (values.drive !== 'db' && values.drive !== 'http') throw new Error('--drive must be db or http');
  return {
    sockets: bounded('sockets', values.sockets, 1, 10_000),
    instances: bounded('instances', values.instances, 1, 2),
    rate: bounded('rate', values.rate, 1, 2000),
    seconds: bounded('seconds', values.seconds, 1, 60),
    buckets: bounded('buckets', values.buckets, 1, 200),
    members: bounded('members', values.members, 1, 1000),
    frameMs: bounded('frame-ms', values['frame-ms'], 10, 1000),
    drive: values.drive,
    idle: defaults.idle,
  };
}

/** Target 3: 1,000 sockets on one instance, p99 ≤ 150 ms at 500 allocations/s. */
export const busy = (argv: string[]) => measure(options(argv, { sockets: 1000, instances: 1, idle: false }), 150);
/** Target 3: 5,000 sockets over two instances, p99 ≤ 400 ms at 500 allocations/s. */
export const twoInstances = (argv: string[]) => measure(options(argv, { sockets: 5000, instances: 2, idle: false }), 400);
/** Target 3: 10,000 idle sockets in under 1 GiB of server memory. */
export const idle = (argv: string[]) => measure(options(argv, { sockets: 10_000, instances: 1, idle: true }), 0);
export const run = busy;

const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);

function percentileOf(report: SocketsReport, p: number): number {
  const wanted = Math.ceil((p / 100) * report.delivered);
  let seen = 0;
  for (let bin = 0; bin < report.histogram.length; bin++) {
    seen += report.histogram[bin]!;
    if (seen >= wanted && wanted > 0) return bin / 10;
  }
  return Number.NaN;
}

/**
 * Announces the driver's commits as another instance would: ids only, in a NOTIFY of their own
 * after the commit (NOTIFY inside the allocation's transaction would serialise the commits on
 * its cluster-wide lock: see ARCHITECTURE.md), what commits meanwhile in the next one.
 */
function announcer(pool: pg.Pool, roundId: string): (bucketId: string, membershipId: string) => void {
  let bucketIds = new Set<string>();
  let membershipIds = new Set<string>();
  let sending = false;
  const send = (): void => {
    if (sending || bucketIds.size === 0) return;
    sending = true;
    const payloads = encodeChanges('bench-driver', { roundId, bucketIds, membershipIds, round: false });
    bucketIds = new Set();
    membershipIds = new Set();
    pool.query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', [LIVE_CHANNEL, payloads])
      .catch(() => undefined)
      .finally(() => {
        sending = false;
        send();
      });
  };
  return (bucketId, membershipId) => {
    bucketIds.add(bucketId);
    membershipIds.add(membershipId);
    send();
  };
}

async function measure(o: Options, targetP99Ms: number): Promise<Figure[]> {
  const database = await benchDatabase();
  const servers: Awaited<ReturnType<typeof startServer>>[] = [];
  let worker: Worker | undefined;
  const pools: pg.Pool[] = [];
  try {
    const config = baseConfig({ sessionSecret: new TextEncoder().encode(SECRET), sessionDays: 1 });
    const given = makeGiven({ db: database.db, config, now: () => new Date() });
    const { round, members, buckets } = await given.fundingRound({ members: o.members, buckets: o.buckets });
    await database.analyze();
    for (let i = 0; i < o.instances; i++) servers.push(await startServer(database.url, { LIVE_FRAME_MS: String(o.frameMs) }));
    const rssBefore = servers.map((s) => residentBytes(s.child.pid!));

    log(`${o.sockets} sockets on ${o.instances} instance(s), ${o.members} members, ${o.buckets} projects`);
    const setup: SocketsSetup = { bases: servers.map((s) => s.url), roundId: round.id, tokens: members.map((m) => m.token), sockets: o.sockets, bucketIds: buckets.map((b) => b.id) };
    // A worker does not inherit tsx's loader: it registers it, then imports the TypeScript.
    const entry = new URL('./live-sockets.ts', import.meta.url).href;
    const w = (worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`, { eval: true, workerData: setup }));
    const fromWorker = (type: FromSockets['type']) =>
      new Promise<FromSockets>((resolve, reject) => {
        const listener = (m: FromSockets) => {
          if (m.type !== type) return;
          w.off('message', listener);
          resolve(m);
        };
        w.on('message', listener);
        w.once('error', reject);
      });
    const tell = (message: ToSockets) => w.postMessage(message);
    const opened = await fromWorker('opened');
    if (opened.type === 'opened' && opened.failed > 0) throw new Error(`${opened.failed} of ${o.sockets} sockets did not open ${opened.error ?? ''}`);

    if (o.idle) {
      await new Promise((r) => setTimeout(r, 2000)); // let the snapshots' garbage go
      const rss = servers.map((s) => residentBytes(s.child.pid!));
      const total = rss.reduce((a, b) => a + b, 0);
      const kib = Math.round((total - rssBefore.reduce((a, b) => a + b, 0)) / 1024 / o.sockets);
      log(`server RSS ${rss.map(mib).join(' + ')} MiB with ${o.sockets} sockets (${rssBefore.map(mib).join(' + ')} MiB before them): ${kib} KiB a socket`);
      return [{
        what: `${o.sockets.toLocaleString('en')} idle sockets, ${o.instances} instance(s)`,
        value: `server RSS ${mib(total)} MiB (${kib} KiB a socket)`,
        baseline: `the same server(s) before the sockets: ${rssBefore.map(mib).join(' + ')} MiB`,
        target: '< 1,024 MiB',
        met: total < 1024 * 1024 * 1024,
      }];
    }

    const driver = new pg.Pool({ connectionString: database.url, max: MAX_IN_FLIGHT });
    driver.on('error', () => undefined);
    pools.push(driver);
    await Promise.all(Array.from({ length: 8 }, () => driver.query('SELECT 1')));
    const notifier = new pg.Pool({ connectionString: database.url, max: 1, options: '-c synchronous_commit=off' });
    notifier.on('error', () => undefined);
    pools.push(notifier);
    const announce = announcer(notifier, round.id);
    const allocate = async (n: number, member: (typeof members)[number], bucketId: string, amount: number): Promise<number | undefined> => {
      if (o.drive === 'http') {
        const res = await fetch(`${setup.bases[n % setup.bases.length]}/api/buckets/${bucketId}/allocation`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${member.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ amountCents: amount }),
        });
        const body = (await res.json()) as { bucket?: { fundingVersion: number } };
        return res.ok ? body.bucket?.fundingVersion : undefined;
      }
      const { rows } = await driver.query<{ outcome: { outcome: string; bucket?: { funding_version: number } } }>(
        'SELECT cagnotte_allocate($1, NULL, $2, $3, $4, $5, $6, $7, $6) AS outcome',
        [member.personId, `bench-${n}`, `bench-${n}`, round.id, bucketId, member.membershipId, amount],
      );
      const outcome = rows[0]?.outcome;
      return outcome?.outcome === 'ok' ? outcome.bucket?.funding_version : undefined;
    };

    let sent = 0;
    let ok = 0;
    let refused = 0;
    let skipped = 0;
    let inFlight = 0;
    let batch: number[] = [];
    const flush = () => {
      if (batch.length === 0) return;
      const triples = Float64Array.from(batch);
      batch = [];
      tell({ type: 'commits', triples });
    };
    const amounts = new Map<string, number>();
    const cpuBefore = servers.map((s) => cpuMs(s.child.pid));
    const benchCpuBefore = process.cpuUsage();
    const postgresCpuBefore = database.cpuMs();
    const machineBefore = machineTicks();
    tell({ type: 'measure' });
    const started = performance.now();
    const deadline = started + o.seconds * 1000;
    log(`allocating at ${o.rate}/s for ${o.seconds} s (${o.drive})`);
    await new Promise<void>((done) => {
      const tick = setInterval(() => {
        flush();
        const t = performance.now();
        if (t >= deadline) {
          clearInterval(tick);
          done();
          return;
        }
        const due = Math.floor(((t - started) / 1000) * o.rate) - sent - skipped;
        for (let i = 0; i < due; i++) {
          if (inFlight >= MAX_IN_FLIGHT) {
            skipped++;
            continue;
          }
          const n = sent++;
          const member = members[Math.floor(Math.random() * members.length)]!;
          const bi = Math.floor(Math.random() * buckets.length);
          const key = `${member.membershipId}:${bi}`;
          let amount = 1 + Math.floor(Math.random() * 500);
          if (amount === amounts.get(key)) amount = amount === 500 ? 1 : amount + 1;
          amounts.set(key, amount);
          inFlight++;
          allocate(n, member, buckets[bi]!.id, amount)
            .then((version) => {
              if (version === undefined) return void refused++;
              ok++;
              batch.push(bi, version, now());
              if (o.drive === 'db') announce(buckets[bi]!.id, member.membershipId);
            })
            .catch(() => refused++)
            .finally(() => inFlight--);
        }
      }, 2);
    });
    while (inFlight > 0) await new Promise((r) => setTimeout(r, 5));
    flush();
    const elapsed = (performance.now() - started) / 1000;
    const cpu = servers.map((s, i) => (cpuMs(s.child.pid) - cpuBefore[i]!) / 1000 / elapsed);
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const benchShare = (benchCpu.user + benchCpu.system) / 1e6 / elapsed;
    const postgresShare = (database.cpuMs() - postgresCpuBefore) / 1000 / elapsed;
    const machineAfter = machineTicks();
    const machineBusy = (machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total);
    // The last frames: three intervals and some slack.
    await new Promise((r) => setTimeout(r, o.frameMs * 3 + 500));
    tell({ type: 'finish' });
    const reported = await fromWorker('report');
    if (reported.type !== 'report') throw new Error('no report');
    const report = reported.report;
    const rss = servers.map((s) => mib(residentBytes(s.child.pid!)));

    const rate = ok / o.seconds;
    const sustained = rate >= SUSTAINED * o.rate;
    const p = (q: number) => percentileOf(report, q);
    const expected = ok * o.sockets;
    log(`allocations: ${ok} committed (${rate.toFixed(0)}/s of ${o.rate}/s asked), ${refused} refused, ${skipped} skipped (${MAX_IN_FLIGHT} in flight)`);
    log(`deliveries: ${report.delivered} of ${expected} expected, ${report.unmatched} unmatched, ${report.early} before the driver's reply; ${report.closedEarly} sockets closed by the server`);
    log(`latency p50 ${p(50)} ms, p90 ${p(90)} ms, p99 ${p(99)} ms, max ${p(100)} ms; ${Math.round(report.messages / report.seconds)} messages/s (${Math.round(report.bytes / report.seconds / 1024)} KiB/s) received`);
    const perMessageUs = (1e6 * report.cpuSeconds) / Math.max(1, report.messages);
    log(`sockets thread: CPU ${Math.round((100 * report.cpuSeconds) / report.seconds)} % of a core (${Math.round((100 * report.kernelSeconds) / report.seconds)} % in the kernel), ${perMessageUs.toFixed(1)} µs a message, event-loop delay p99 ${report.loopDelayP99Ms.toFixed(1)} ms`);
    log(`this process (the driver, the sockets thread and the rest): CPU ${Math.round(100 * benchShare)} % of a core`);
    log(`server CPU ${cpu.map((c) => `${Math.round(c * 100)} %`).join(' + ')} of a core, RSS ${rss.join(' + ')} MiB; PostgreSQL ${Math.round(100 * postgresShare)} %; the machine's cores ${Math.round(100 * machineBusy)} % busy`);
    return [{
      what: `${o.sockets.toLocaleString('en')} sockets, ${o.instances} instance(s), ${o.rate}/s asked (${o.drive})`,
      value: `p99 ${p(99)} ms (p50 ${p(50)}), ${rate.toFixed(0)}/s ${sustained ? 'sustained' : 'NOT sustained'}, ${((100 * report.delivered) / Math.max(1, expected)).toFixed(1)} % delivered`,
      baseline: `frame interval ${o.frameMs} ms; server CPU ${cpu.map((c) => `${Math.round(c * 100)} %`).join(' + ')}; cores ${Math.round(100 * machineBusy)} % busy`,
      target: `p99 ≤ ${targetP99Ms} ms at ${o.rate}/s`,
      met: sustained && p(99) <= targetP99Ms && report.delivered === expected && report.closedEarly === 0,
    }];
  } finally {
    await worker?.terminate();
    for (const server of servers) await server.stop();
    for (const pool of pools) await pool.end();
    await database.stop();
  }
}
