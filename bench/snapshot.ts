/**
 * The snapshot of a round with 1,000 projects: GET /api/rounds/:id/board (what the live socket's
 * first message carries) through the real server, against the same `readBoard()` called in this
 * process without HTTP, in the same run and with the same concurrency. Loopback only.
 *
 *   npm run bench -- snapshot [--projects 1000] [--seconds 10] [--connections 4]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { benchDatabase, percentile, SECRET, startServer, type Figure } from './support.ts';
import { buckets, memberships, organisations, people, rounds, sessions } from '../server/src/db/schema.ts';
import { openFunding } from '../server/src/features/ledger/index.ts';
import { readBoard } from '../server/src/features/live/queries.ts';
import { signSessionToken } from '../server/src/security/session-token.ts';

const TARGET_P99_MS = 50;

export async function run(argv: string[]): Promise<Figure[]> {
  const { values } = parseArgs({
    args: argv,
    options: {
      projects: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '10' },
      connections: { type: 'string', default: '4' },
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

  const server = await startServer(database.url);
  const path = `/api/rounds/${round!.id}/board`;

  async function overHttp(duration: number) {
    let n = 0;
    const result = await autocannon({
      url: server.url,
      connections,
      duration,
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path, headers: { authorization: `Bearer ${tokens[n++ % tokens.length]}` } }) }],
    });
    return { rate: result['2xx'] / result.duration, p50: result.latency.p50, p99: result.latency.p99, bytes: result.throughput.average / Math.max(1, result.requests.average), failures: result.non2xx + result.errors };
  }

  async function withoutHttp(duration: number) {
    const latencies: number[] = [];
    const until = performance.now() + duration * 1000;
    await Promise.all(Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        const board = await readBoard(db, round!.id);
        if (board?.buckets.length !== projects) throw new Error('the board lacks projects');
        latencies.push(performance.now() - t0);
      }
    }));
    latencies.sort((a, b) => a - b);
    return { rate: latencies.length / duration, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  }

  try {
    await overHttp(2); // warm-up, not counted
    const half = Math.max(1, Math.round(seconds / 2));
    const base1 = await withoutHttp(half);
    const http1 = await overHttp(half);
    const base2 = await withoutHttp(half);
    const http2 = await overHttp(half);
    const http = { rate: (http1.rate + http2.rate) / 2, p50: Math.max(http1.p50, http2.p50), p99: Math.max(http1.p99, http2.p99), failures: http1.failures + http2.failures, kB: http1.bytes / 1024 };
    const base = { rate: (base1.rate + base2.rate) / 2, p50: Math.max(base1.p50, base2.p50), p99: Math.max(base1.p99, base2.p99) };
    console.log(`board of ${projects} projects over HTTP: ${http.rate.toFixed(0)}/s, p50 ${http.p50} ms, p99 ${http.p99} ms, ${http.kB.toFixed(0)} kB a reply, ${http.failures} failures`);
    console.log(`readBoard() without HTTP: ${base.rate.toFixed(0)}/s, p50 ${base.p50.toFixed(1)} ms, p99 ${base.p99.toFixed(1)} ms`);
    return [{
      what: `GET /api/rounds/:id/board, ${projects} projects, ${connections} connections`,
      value: `p99 ${http.p99} ms (p50 ${http.p50} ms, ${http.rate.toFixed(0)}/s)`,
      baseline: `readBoard() without HTTP: p99 ${base.p99.toFixed(0)} ms (${base.rate.toFixed(0)}/s)`,
      target: `p99 < ${TARGET_P99_MS} ms`,
      met: http.p99 < TARGET_P99_MS && http.failures === 0,
    }];
  } finally {
    await server.stop();
    await database.stop();
  }
}
