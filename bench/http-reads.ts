/**
 * The cost of a request: authenticated reads through the real server against a bare fastify
 * reply measured in the same run (bench/bare-fastify.mjs, in a process of its own like the
 * server). autocannon on loopback; the targets take turns in slices, since the machine's load
 * drifts; the server's CPU time per request comes from /proc, which the load does not inflate.
 *
 *   npm run bench -- http-reads [--seconds 10] [--connections 10] [--slices 2]
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { benchDatabase, cpuMs, SECRET, startBareFastify, startServer, type Figure } from './support.ts';
import { memberships, organisations, people, rounds, sessions } from '../server/src/db/schema.ts';
import { openFunding } from '../server/src/features/ledger/index.ts';
import { signSessionToken } from '../server/src/security/session-token.ts';

const TARGET_RATIO = 0.25;

type Measured = { requests: number; seconds: number; p99: number; cpuMs: number; failures: number };

export async function run(argv: string[]): Promise<Figure[]> {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string', default: '10' },
      connections: { type: 'string', default: '10' },
      slices: { type: 'string', default: '2' },
      members: { type: 'string', default: '200' },
      /** Only these targets (comma-separated keys: me, round-me, 404), for profiling one. */
      only: { type: 'string' },
    },
  });
  const connections = Number(values.connections);
  const slices = Number(values.slices);
  const sliceSeconds = Math.max(1, Math.round(Number(values.seconds) / slices));
  const memberCount = Number(values.members);

  const database = await benchDatabase();
  const { db } = database;
  const secret = new TextEncoder().encode(SECRET);
  const [org] = await db.insert(organisations).values({ name: 'Bench coop', slug: 'bench', currency: 'EUR' }).returning();
  const personRows = await db.insert(people).values(Array.from({ length: memberCount }, (_, i) => ({ email: `r${i}@bench.test`, name: `Reader ${i}` }))).returning();
  await db.insert(memberships).values(personRows.map((p) => ({ organisationId: org!.id, personId: p.id, name: p.name, role: 'member' as const })));
  const [round] = await db.insert(rounds).values({ organisationId: org!.id, title: 'Reads', currency: 'EUR', phase: 'funding', defaultAllowanceCents: 10_000 }).returning();
  await db.transaction((tx) => openFunding(tx, round!, null));
  const expiresAt = new Date(Date.now() + 3_600_000);
  const sessionRows = await db.insert(sessions).values(personRows.map((p) => ({ kind: 'member' as const, personId: p.id, expiresAt }))).returning();
  const tokens = await Promise.all(sessionRows.map((s) => signSessionToken(secret, { sid: s.id, sub: s.personId! }, expiresAt)));

  await database.analyze();
  const server = await startServer(database.url);
  const bare = await startBareFastify();

  async function measure(url: string, path: string, pid: number | undefined, authenticated: boolean, duration = sliceSeconds): Promise<Measured> {
    let n = 0;
    const before = cpuMs(pid);
    const result = await autocannon({
      url,
      connections,
      duration,
      requests: [{
        method: 'GET',
        setupRequest: (req) => {
          n += 1;
          return { ...req, path, headers: authenticated ? { authorization: `Bearer ${tokens[n % tokens.length]}` } : {} };
        },
      }],
    });
    const expected = path.startsWith('/api/nowhere') ? result['4xx'] : result['2xx'];
    return { requests: expected, seconds: result.duration, p99: result.latency.p99, cpuMs: cpuMs(pid) - before, failures: result.requests.total - expected };
  }

  const targets = [
    { key: 'bare', what: 'bare fastify reply', url: bare.url, path: '/bare', pid: bare.child.pid, authenticated: false },
    { key: 'me', what: 'GET /api/auth/me', url: server.url, path: '/api/auth/me', pid: server.child.pid, authenticated: true },
    { key: 'round-me', what: 'GET /api/rounds/:id/me', url: server.url, path: `/api/rounds/${round!.id}/me`, pid: server.child.pid, authenticated: true },
    { key: '404', what: 'an unknown route’s 404', url: server.url, path: '/api/nowhere', pid: server.child.pid, authenticated: false },
  ];
  const chosen = values.only?.split(',');
  if (chosen) targets.splice(0, targets.length, ...targets.filter((t) => t.key === 'bare' || chosen.includes(t.key)));
  const results = new Map<string, Measured[]>(targets.map((t) => [t.key, []]));
  try {
    // Warm-up, not counted.
    for (const t of targets) await measure(t.url, t.path, t.pid, t.authenticated, 1);
    for (let slice = 0; slice < slices; slice += 1) {
      for (const t of targets) results.get(t.key)!.push(await measure(t.url, t.path, t.pid, t.authenticated));
    }
  } finally {
    await bare.stop();
    await server.stop();
    await database.stop();
  }

  const summary = (key: string) => {
    const rs = results.get(key)!;
    const requests = rs.reduce((s, r) => s + r.requests, 0);
    return {
      rate: requests / rs.reduce((s, r) => s + r.seconds, 0),
      p99: Math.max(...rs.map((r) => r.p99)),
      cpuUs: (1000 * rs.reduce((s, r) => s + r.cpuMs, 0)) / Math.max(1, requests),
      failures: rs.reduce((s, r) => s + r.failures, 0),
    };
  };
  const base = summary('bare');
  console.log(`bare fastify: ${base.rate.toFixed(0)}/s, p99 ${base.p99} ms, ${base.cpuUs.toFixed(0)} µs CPU a request`);
  return targets.filter((t) => t.key !== 'bare').map((t) => {
    const s = summary(t.key);
    const ratio = s.rate / base.rate;
    console.log(`${t.what}: ${s.rate.toFixed(0)}/s (${ratio.toFixed(2)} ×), p99 ${s.p99} ms, ${s.cpuUs.toFixed(0)} µs CPU a request, ${s.failures} unexpected replies`);
    return {
      what: `${t.what}, ${connections} connections`,
      value: `${s.rate.toFixed(0)}/s (${ratio.toFixed(2)} ×), ${s.cpuUs.toFixed(0)} µs CPU each`,
      baseline: `bare fastify reply: ${base.rate.toFixed(0)}/s, ${base.cpuUs.toFixed(0)} µs CPU each`,
      // The issue sets no target for the 404; it shows what the request pipeline alone costs.
      target: t.key === '404' ? '(none: the pipeline alone)' : `≥ ${TARGET_RATIO} ×`,
      met: (t.key === '404' || ratio >= TARGET_RATIO) && s.failures === 0,
    };
  });
}
