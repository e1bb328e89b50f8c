/**
 * Allocation throughput through the real HTTP API: the server in its own process on a durable
 * PostgreSQL, autocannon sending PUT /api/buckets/:id/allocation with many members' tokens.
 * Two scenarios: allocations spread over 50 buckets, and everyone funding one bucket.
 * Then the money is checked against the ledger. Loopback only, bounded in time.
 *
 *   npm run bench -- allocations [--seconds 15] [--members 1000] [--connections 50]
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { benchDatabase, SECRET, startServer } from './support.ts';
import { memberships, organisations, people, rounds, buckets, sessions } from '../server/src/db/schema.ts';
import { openFunding } from '../server/src/features/ledger/index.ts';
import { signSessionToken } from '../server/src/security/session-token.ts';
import { moneyViolations } from '../server/test/invariants.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '15' }, members: { type: 'string', default: '1000' }, connections: { type: 'string', default: '50' } },
});
const seconds = Number(values.seconds);
const memberCount = Number(values.members);
const connections = Number(values.connections);

const database = await benchDatabase();
const { db } = database;
const secret = new TextEncoder().encode(SECRET);

const [org] = await db.insert(organisations).values({ name: 'Bench coop', slug: 'bench', currency: 'EUR' }).returning();
const personRows = await db.insert(people).values(Array.from({ length: memberCount }, (_, i) => ({ email: `m${i}@bench.test`, name: `Member ${i}` }))).returning();
const membershipRows = await db.insert(memberships).values(personRows.map((p, i) => ({ organisationId: org!.id, personId: p.id, name: p.name, role: i === 0 ? ('admin' as const) : ('member' as const) }))).returning();

async function scenario(name: string, bucketCount: number) {
  const [round] = await db.insert(rounds).values({ organisationId: org!.id, title: name, currency: 'EUR', phase: 'funding', defaultAllowanceCents: 10_000_000_000 }).returning();
  const lines = [{ label: 'All', amountCents: 1_000_000_000_000, essential: true }];
  const bucketRows = await db.insert(buckets).values(Array.from({ length: bucketCount }, (_, i) => ({ roundId: round!.id, title: `Bucket ${i}`, status: 'open' as const, budgetLines: lines, minCents: lines[0]!.amountCents, maxCents: lines[0]!.amountCents, createdBy: membershipRows[0]!.id }))).returning();
  await db.transaction((tx) => openFunding(tx, round!, null));
  return { round: round!, bucketIds: bucketRows.map((b) => b.id) };
}

const expiresAt = new Date(Date.now() + 3_600_000);
const sessionRows = await db.insert(sessions).values(personRows.map((p) => ({ kind: 'member' as const, personId: p.id, expiresAt }))).returning();
const tokens = await Promise.all(sessionRows.map((s) => signSessionToken(secret, { sid: s.id, sub: s.personId! }, expiresAt)));

const server = await startServer(database.url);
console.log(`server ${server.url}, ${memberCount} members, ${connections} connections, ${seconds} s per scenario`);

async function run(name: string, bucketCount: number) {
  const { round, bucketIds } = await scenario(name, bucketCount);
  let n = 0;
  const result = await autocannon({
    url: server.url,
    connections,
    duration: seconds,
    requests: [{
      method: 'PUT',
      setupRequest: (req) => {
        n += 1;
        const member = n % memberCount;
        const bucketId = bucketIds[(n * 7919) % bucketIds.length]!;
        return {
          ...req,
          path: `/api/buckets/${bucketId}/allocation`,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[member]}` },
          body: JSON.stringify({ amountCents: 100 + (n % 5000) }),
        };
      },
    }],
  });
  const violations = await moneyViolations(db, round.id);
  const line = `${name}: ${result.requests.average.toFixed(0)} allocations/s, latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
    `${result['2xx']} ok, ${result.non2xx} refused, ${result.errors} errors; invariants ${violations.length === 0 ? 'hold' : `BROKEN: ${violations.slice(0, 3).join('; ')}`}`;
  console.log(line);
  return line;
}

try {
  await run('spread over 50 buckets', 50);
  await run('everyone funds one bucket', 1);
} finally {
  await server.stop();
  await database.stop();
}
