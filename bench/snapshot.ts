/**
 * The snapshot of a round with 1,000 projects, both ways a client gets it (issue 12, target 4):
 * GET /api/rounds/:id/board through the real server, and the live socket's first message (a
 * WebSocket opened, authenticated by a bearer token, until its `snapshot` arrives), each against
 * the same `readBoard()` called in this process without HTTP, in the same run and with the same
 * concurrency. Loopback only. `--explain` prints the board statement's plan and timing.
 *
 *   npm run bench -- snapshot [--projects 1000] [--seconds 10] [--connections 4] [--explain]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { WebSocket } from 'ws';
import { benchDatabase, cpuMs, percentile, SECRET, startServer, type Figure } from './support.ts';
import { buckets, memberships, organisations, people, rounds, sessions } from '../server/src/db/schema.ts';
import { openFunding } from '../server/src/features/ledger/index.ts';
import { BOARD_SQL, readBoard } from '../server/src/features/live/queries.ts';
import { signSessionToken } from '../server/src/security/session-token.ts';

const TARGET_P99_MS = 50;

export async function run(argv: string[]): Promise<Figure[]> {
  const { values } = parseArgs({
    args: argv,
    options: {
      projects: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '10' },
      connections: { type: 'string', default: '4' },
      explain: { type: 'boolean', default: false },
    },
  });
  const projects = Number(values.projects);
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);

  const database = await benchDatabase();
  const { db } = database;
  const [org] = await db.insert(organisations).values({ name: 'Bench coop', slug: 'bench', currency: 'EUR' }).returning();
  const personRows = await db.insert(people).values(Array.from({ length: 50 }, (_, i) => ({ email: `s${i}@bench.test`, name: `Viewer ${i}` }))).returning();
  const membershipRows = await db.insert(memberships).values(personRows.map((p) => ({ organisationId: org!.id, personId: p.id, name: p.name, role: 'member' as const }))).returning();
  const [round] = await db.insert(rounds).values({ organisationId: org!.id, title: 'A thousand projects', currency: 'EUR', phase: 'funding', defaultAllowanceCents: 10_000 }).returning();
  await db.insert(buckets).values(Array.from({ length: projects }, (_, i) => {
    const lines = [{ label: 'Materials', amountCents: 50_000 + i * 10, essential: true }, { label: 'Extras', amountCents: 20_000, essential: false }];
    return { roundId: round!.id, title: `Project number ${i + 1} of the round`, status: 'open' as const, budgetLines: lines, minCents: lines[0]!.amountCents, maxCents: lines[0]!.amountCents + 20_000, fundedCents: (i * 137) % 50_000, contributors: i % 17, createdBy: membershipRows[0]!.id };
  }));
  await db.transaction((tx) => openFunding(tx, round!, null));
  const expiresAt = new Date(Date.now() + 3_600_000);
  const sessionRows = await db.insert(sessions).values(personRows.map((p) => ({ kind: 'member' as const, personId: p.id, expiresAt }))).returning();
  const tokens = await Promise.all(sessionRows.map((s) => signSessionToken(new TextEncoder().encode(SECRET), { sid: s.id, sub: s.personId! }, expiresAt)));

  if (values.explain) {
    await database.pool.query('ANALYZE');
    const plan = await database.pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${BOARD_SQL}`, [round!.id]);
    console.log(plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n'));
  }

  await database.analyze();
  const server = await startServer(database.url);
  const path = `/api/rounds/${round!.id}/board`;

  // The server's CPU per reply or socket, from /proc: the machine is shared, and CPU time moves
  // far less with the load than latency does.
  const serverCpu = () => cpuMs(server.child.pid);

  async function overHttp(duration: number) {
    const cpu0 = serverCpu();
    let n = 0;
    const result = await autocannon({
      url: server.url,
      connections,
      duration,
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path, headers: { authorization: `Bearer ${tokens[n++ % tokens.length]}` } }) }],
    });
    const cpu = (serverCpu() - cpu0) / Math.max(1, result['2xx']);
    return { rate: result['2xx'] / result.duration, p50: result.latency.p50, p99: result.latency.p99, cpu, bytes: result.throughput.average / Math.max(1, result.requests.average), failures: result.non2xx + result.errors };
  }

  /** Sockets opened one after the other on each of `connections` loops: open → first message. */
  async function firstMessage(duration: number) {
    const latencies: number[] = [];
    const cpu0 = serverCpu();
    let failures = 0;
    let n = 0;
    const until = performance.now() + duration * 1000;
    const wsUrl = `${server.url.replace('http', 'ws')}/api/rounds/${round!.id}/live`;
    await Promise.all(Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        const type = await new Promise<string>((resolve) => {
          const socket = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${tokens[n++ % tokens.length]}` } });
          socket.once('message', (data) => {
            resolve((JSON.parse(String(data)) as { type: string }).type);
            socket.terminate();
          });
          socket.once('error', () => resolve('error'));
          socket.once('close', () => resolve('closed'));
        });
        if (type === 'snapshot') latencies.push(performance.now() - t0);
        else failures += 1;
      }
    }));
    latencies.sort((a, b) => a - b);
    const cpu = (serverCpu() - cpu0) / Math.max(1, latencies.length);
    return { rate: latencies.length / duration, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpu, failures };
  }

  async function withoutHttp(duration: number) {
    const latencies: number[] = [];
    const cpu0 = process.cpuUsage();
    const until = performance.now() + duration * 1000;
    await Promise.all(Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        const board = await readBoard(db, round!.id);
        if (board?.buckets.length !== projects) throw new Error('the board lacks projects');
        latencies.push(performance.now() - t0);
      }
    }));
    const used = process.cpuUsage(cpu0);
    latencies.sort((a, b) => a - b);
    return { rate: latencies.length / duration, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpu: (used.user + used.system) / 1000 / Math.max(1, latencies.length) };
  }

  try {
    await overHttp(2); // warm-up, not counted
    await firstMessage(1);
    // In turns, so that a change of the machine's load falls on both sides.
    const third = Math.max(1, Math.round(seconds / 3));
    const slices = { base: [] as Awaited<ReturnType<typeof withoutHttp>>[], http: [] as Awaited<ReturnType<typeof overHttp>>[], socket: [] as Awaited<ReturnType<typeof firstMessage>>[] };
    for (let turn = 0; turn < 2; turn++) {
      slices.base.push(await withoutHttp(third));
      slices.http.push(await overHttp(third));
      slices.socket.push(await firstMessage(third));
    }
    const worst = <T extends { rate: number; p50: number; p99: number; cpu: number }>(list: T[]) => ({
      rate: list.reduce((sum, s) => sum + s.rate, 0) / list.length,
      cpu: list.reduce((sum, s) => sum + s.cpu, 0) / list.length,
      p50: Math.max(...list.map((s) => s.p50)),
      p99: Math.max(...list.map((s) => s.p99)),
    });
    const base = worst(slices.base);
    const http = { ...worst(slices.http), failures: slices.http.reduce((sum, s) => sum + s.failures, 0), kB: slices.http[0]!.bytes / 1024 };
    const socket = { ...worst(slices.socket), failures: slices.socket.reduce((sum, s) => sum + s.failures, 0) };
    console.log(`board of ${projects} projects over HTTP: ${http.rate.toFixed(0)}/s, p50 ${http.p50} ms, p99 ${http.p99} ms, ${http.kB.toFixed(0)} kB a reply, server CPU ${http.cpu.toFixed(2)} ms a reply, ${http.failures} failures`);
    console.log(`live socket, open to snapshot: ${socket.rate.toFixed(0)}/s, p50 ${socket.p50.toFixed(1)} ms, p99 ${socket.p99.toFixed(1)} ms, server CPU ${socket.cpu.toFixed(2)} ms a socket, ${socket.failures} failures`);
    console.log(`readBoard() without HTTP: ${base.rate.toFixed(0)}/s, p50 ${base.p50.toFixed(1)} ms, p99 ${base.p99.toFixed(1)} ms, node CPU ${base.cpu.toFixed(2)} ms a read`);
    const baseline = `readBoard() without HTTP: p99 ${base.p99.toFixed(0)} ms (${base.rate.toFixed(0)}/s, ${base.cpu.toFixed(1)} ms CPU each)`;
    return [{
      what: `GET /api/rounds/:id/board, ${projects} projects, ${connections} connections`,
      value: `p99 ${http.p99} ms (p50 ${http.p50} ms, ${http.rate.toFixed(0)}/s, ${http.cpu.toFixed(1)} ms CPU each)`,
      baseline,
      target: `p99 < ${TARGET_P99_MS} ms`,
      met: http.p99 < TARGET_P99_MS && http.failures === 0,
    }, {
      what: `live socket open → snapshot, ${projects} projects, ${connections} at a time`,
      value: `p99 ${socket.p99.toFixed(0)} ms (p50 ${socket.p50.toFixed(0)} ms, ${socket.rate.toFixed(0)}/s, ${socket.cpu.toFixed(1)} ms CPU each)`,
      baseline,
      target: `p99 < ${TARGET_P99_MS} ms`,
      met: socket.p99 < TARGET_P99_MS && socket.failures === 0,
    }];
  } finally {
    await server.stop();
    await database.stop();
  }
}
