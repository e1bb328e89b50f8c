/**
 * Allocation throughput through the real HTTP API against a same-run baseline: the server in its
 * own process on a durable PostgreSQL, autocannon sending PUT /api/buckets/:id/allocation with
 * many members' bearer tokens; the baseline is a loop of pg clients in this process running the
 * route's own statement (`cagnotte_allocate_as()`: session and membership checked, then
 * `cagnotte_allocate()`) with the same arguments and the same concurrency, without HTTP. Each
 * side's CPU per allocation is printed for the server, PostgreSQL and this process (the load
 * generator or the pg loop): on two cores they share, that is what bounds the ratio.
 * Two scenarios: allocations spread over 50 buckets, and everyone funding one bucket. Baseline
 * and HTTP take turns in slices (the machine is shared, so its load drifts), each slice on a
 * fresh round; then the money of every round is checked against the ledger. Loopback only.
 *
 *   npm run bench -- allocations [--seconds 10] [--members 1000] [--connections 8] [--slices 2]
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { benchDatabase, cpuMs, machineTicks, percentile, SECRET, startServer, type Figure } from './support.ts';
import { memberships, organisations, people, rounds, buckets, sessions } from '../server/src/db/schema.ts';
import { openFunding } from '../server/src/features/ledger/index.ts';
import { signSessionToken } from '../server/src/security/session-token.ts';
import { moneyViolations } from '../server/test/invariants.ts';

type Rate = { requests: number; seconds: number; latencies: number[]; failures: number; cpu: Cpu; busy: number };
/** CPU milliseconds spent during a slice by the server, PostgreSQL, and this process (the load generator or the pg loop). */
type Cpu = { server: number; postgres: number; generator: number };

const TARGET_RATIO = 0.7;
const TARGET_P99_MS = 50;

export async function run(argv: string[]): Promise<Figure[]> {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string', default: '10' },
      members: { type: 'string', default: '1000' },
      connections: { type: 'string', default: '8' },
      slices: { type: 'string', default: '2' },
    },
  });
  const seconds = Number(values.seconds);
  const memberCount = Number(values.members);
  const connections = Number(values.connections);
  const slices = Number(values.slices);
  const sliceSeconds = Math.max(1, Math.round(seconds / slices));

  const database = await benchDatabase();
  const { db } = database;
  const secret = new TextEncoder().encode(SECRET);

  const [org] = await db.insert(organisations).values({ name: 'Bench coop', slug: 'bench', currency: 'EUR' }).returning();
  const personRows = await db.insert(people).values(Array.from({ length: memberCount }, (_, i) => ({ email: `m${i}@bench.test`, name: `Member ${i}` }))).returning();
  const membershipRows = await db.insert(memberships).values(personRows.map((p, i) => ({ organisationId: org!.id, personId: p.id, name: p.name, role: i === 0 ? ('admin' as const) : ('member' as const) }))).returning();
  const expiresAt = new Date(Date.now() + 3_600_000);
  const sessionRows = await db.insert(sessions).values(personRows.map((p) => ({ kind: 'member' as const, personId: p.id, expiresAt }))).returning();
  const tokens = await Promise.all(sessionRows.map((s) => signSessionToken(secret, { sid: s.id, sub: s.personId! }, expiresAt)));

  async function freshRound(title: string, bucketCount: number) {
    const [round] = await db.insert(rounds).values({ organisationId: org!.id, title, currency: 'EUR', phase: 'funding', defaultAllowanceCents: 10_000_000_000 }).returning();
    const lines = [{ label: 'All', amountCents: 1_000_000_000_000, essential: true }];
    const bucketRows = await db.insert(buckets).values(Array.from({ length: bucketCount }, (_, i) => ({ roundId: round!.id, title: `Bucket ${i}`, status: 'open' as const, budgetLines: lines, minCents: lines[0]!.amountCents, maxCents: lines[0]!.amountCents, createdBy: membershipRows[0]!.id }))).returning();
    await db.transaction((tx) => openFunding(tx, round!, null));
    await database.analyze();
    return { roundId: round!.id, bucketIds: bucketRows.map((b) => b.id) };
  }

  /**
   * The n-th request of a run, the same for HTTP and the baseline: who, which bucket, how much.
   * Member 0 is the admin, who holds no allowance.
   */
  const nth = (n: number, bucketIds: string[]) => ({
    member: 1 + (n % (memberCount - 1)),
    bucketId: bucketIds[(n * 7919) % bucketIds.length]!,
    amountCents: 100 + (n % 5000),
  });

  await database.analyze();
  const server = await startServer(database.url);
  // The loop's clients live as long as the server's pool: a backend that exits at the end of a
  // slice is counted in the postmaster's children only once reaped, after the slice's sample.
  const clients = await Promise.all(Array.from({ length: connections }, async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    return client;
  }));
  const cpuNow = (): Cpu => {
    const { user, system } = process.cpuUsage();
    return { server: cpuMs(server.child.pid), postgres: database.cpuMs(), generator: (user + system) / 1000 };
  };
  async function measured(slice: () => Promise<Omit<Rate, 'cpu' | 'busy'>>): Promise<Rate> {
    const before = cpuNow();
    const ticks = machineTicks();
    const rate = await slice();
    const after = cpuNow();
    const { busy, total } = machineTicks();
    return { ...rate, busy: (busy - ticks.busy) / Math.max(1, total - ticks.total), cpu: { server: after.server - before.server, postgres: after.postgres - before.postgres, generator: after.generator - before.generator } };
  }

  async function overHttp(url: string, bucketIds: string[], duration = sliceSeconds): Promise<Omit<Rate, 'cpu' | 'busy'>> {
    let n = 0;
    const result = await autocannon({
      url,
      connections,
      duration,
      requests: [{
        method: 'PUT',
        setupRequest: (req) => {
          n += 1;
          const { member, bucketId, amountCents } = nth(n, bucketIds);
          return {
            ...req,
            path: `/api/buckets/${bucketId}/allocation`,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[member]}` },
            body: JSON.stringify({ amountCents }),
          };
        },
      }],
    });
    // autocannon keeps a histogram, not the samples: its percentiles stand in for them.
    return { requests: result['2xx'], seconds: result.duration, latencies: [result.latency.p99], failures: result.non2xx + result.errors };
  }

  /**
   * The route's own statement (server/src/features/ledger/allocate.ts: the caller's session and
   * membership checked, then cagnotte_allocate()) with the same arguments, from `connections` pg
   * clients each waiting for its reply before the next call.
   */
  async function withoutHttp(bucketIds: string[]): Promise<Omit<Rate, 'cpu' | 'busy'>> {
    let n = 0;
    let failures = 0;
    const latencies: number[] = [];
    const started = performance.now();
    const until = started + sliceSeconds * 1000;
    await Promise.all(clients.map(async (client) => {
      while (performance.now() < until) {
        n += 1;
        const { member, bucketId, amountCents } = nth(n, bucketIds);
        const t0 = performance.now();
        const { rows } = await client.query<{ outcome: { outcome: string } }>({
          name: 'allocate_as',
          text: 'SELECT cagnotte_allocate_as($1, $2, $3, $4, $5, $6, $7, $8) AS outcome',
          values: [personRows[member]!.id, sessionRows[member]!.id, new Date(), bucketId, null, amountCents, null, randomUUID()],
        });
        latencies.push(performance.now() - t0);
        if (rows[0]?.outcome.outcome !== 'ok') failures += 1;
      }
    }));
    const elapsed = (performance.now() - started) / 1000;
    return { requests: latencies.length - failures, seconds: elapsed, latencies, failures };
  }

  console.log(`server ${server.url}, ${memberCount} members, ${connections} connections, ${slices} × ${sliceSeconds} s per side and scenario`);
  const figures: Figure[] = [];
  try {
    // Warm-up, not counted: the server's first requests compile its hot paths.
    const warm = await freshRound('warm-up', 50);
    await overHttp(server.url, warm.bucketIds, 2);
    for (const { name, bucketCount } of [{ name: 'over 50 projects', bucketCount: 50 }, { name: 'on one project', bucketCount: 1 }]) {
      const http: Rate[] = [];
      const base: Rate[] = [];
      const roundIds: string[] = [];
      for (let slice = 0; slice < slices; slice += 1) {
        const b = await freshRound(`${name} baseline ${slice}`, bucketCount);
        base.push(await measured(() => withoutHttp(b.bucketIds)));
        const h = await freshRound(`${name} http ${slice}`, bucketCount);
        http.push(await measured(() => overHttp(server.url, h.bucketIds)));
        roundIds.push(b.roundId, h.roundId);
      }
      const violations = (await Promise.all(roundIds.map((id) => moneyViolations(db, id)))).flat();
      const rate = (rs: Rate[]) => rs.reduce((s, r) => s + r.requests, 0) / rs.reduce((s, r) => s + r.seconds, 0);
      const httpRate = rate(http);
      const baseRate = rate(base);
      // The HTTP p99 is the worst slice's (autocannon gives percentiles, not samples).
      const httpP99 = Math.max(...http.map((r) => r.latencies[0] ?? NaN));
      const baseP99 = percentile(base.flatMap((r) => r.latencies).sort((a, b) => a - b), 99);
      const failures = http.reduce((s, r) => s + r.failures, 0) + base.reduce((s, r) => s + r.failures, 0);
      const ratio = httpRate / baseRate;
      const perAllocation = (rs: Rate[], side: keyof Cpu) => (1000 * rs.reduce((s, r) => s + r.cpu[side], 0)) / Math.max(1, rs.reduce((s, r) => s + r.requests, 0));
      const cpuLine = (rs: Rate[]) => `server ${perAllocation(rs, 'server').toFixed(0)}, PostgreSQL ${perAllocation(rs, 'postgres').toFixed(0)}, this process ${perAllocation(rs, 'generator').toFixed(0)}`;
      const busy = (rs: Rate[]) => `${Math.round((100 * rs.reduce((s, r) => s + r.busy, 0)) / rs.length)} %`;
      console.log(`${name}: CPU µs per allocation: HTTP: ${cpuLine(http)}; pg loop: ${cpuLine(base)}; the machine's cores busy: HTTP ${busy(http)}, pg loop ${busy(base)}`);
      console.log(`${name}: HTTP ${httpRate.toFixed(0)}/s p99 ${httpP99} ms; pg loop ${baseRate.toFixed(0)}/s p99 ${baseP99.toFixed(1)} ms; ` +
        `ratio ${ratio.toFixed(2)}; ${failures} refused or failed; invariants ${violations.length === 0 ? 'hold' : `BROKEN: ${violations.slice(0, 3).join('; ')}`}`);
      figures.push({
        what: `allocations ${name}, ${connections} connections`,
        value: `${httpRate.toFixed(0)}/s (${ratio.toFixed(2)} ×), p99 ${httpP99} ms`,
        baseline: `pg loop, the route's statement: ${baseRate.toFixed(0)}/s, p99 ${baseP99.toFixed(0)} ms`,
        target: `≥ ${TARGET_RATIO} ×, p99 < ${TARGET_P99_MS} ms`,
        met: ratio >= TARGET_RATIO && httpP99 < TARGET_P99_MS && failures === 0 && violations.length === 0,
      });
    }
  } finally {
    await Promise.all(clients.map((c) => c.end()));
    await server.stop();
    await database.stop();
  }
  return figures;
}
