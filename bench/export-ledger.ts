/**
 * Exports of a round with a long ledger, through the real app: time and peak RSS of ledger.csv
 * and round.xlsx streamed from a database cursor.
 *
 *   npm run bench -- export-ledger [--rows 1000000] [--files csv,xlsx]
 *
 * A throwaway PostgreSQL (temporary directory, removed at the end) gets one round of 1,000
 * members and 50 projects, and a ledger of `--rows` rows (1,000 grants, the rest allocations)
 * inserted with INSERT … SELECT generate_series; the stored totals are then set from the ledger,
 * so the export's reconciliation must say "reconciled". The server runs as `npm start` runs it,
 * in its own process (startServer); each file is downloaded with fetch and thrown away as it
 * arrives, while the server's resident memory is sampled every 10 ms from /proc (its peak is
 * also read from VmHWM at the end). Bounded: at most 5,000,000 rows. A CPU profile of the
 * server: BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR".
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { buckets, memberships, organisations, people, rounds, sessions } from '../server/src/db/schema.ts';
import { LEDGER_SQL } from '../server/src/features/exports/queries.ts';
import { signSessionToken } from '../server/src/security/session-token.ts';
import { benchDatabase, cpuMs, residentBytes, SECRET, startServer, type Figure } from './support.ts';

const clientCpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

const log = (line: string) => process.stderr.write(`${line}\n`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

const secret = new TextEncoder().encode(SECRET);

const TARGET_ROWS_PER_SECOND = 200_000;
const TARGET_RSS_GROWTH_MB = 150;

export async function run(argv: string[]): Promise<Figure[]> {
  const { values: args } = parseArgs({
    args: argv,
    options: { rows: { type: 'string', default: '1000000' }, files: { type: 'string', default: 'csv,xlsx' }, explain: { type: 'boolean', default: false } },
  });
  const ROWS = Number(args.rows);
  if (!Number.isInteger(ROWS) || ROWS < 2_000 || ROWS > 5_000_000) throw new Error('--rows must be an integer from 2,000 to 5,000,000');
  const FILES = (args.files ?? '').split(',').map((f) => ({ csv: 'ledger.csv', xlsx: 'round.xlsx' })[f.trim()] ?? f.trim());
  for (const file of FILES) if (!['ledger.csv', 'round.xlsx'].includes(file)) throw new Error(`--files: csv or xlsx, not ${file}`);
  const MEMBERS = 1_000;
  const BUCKETS = 50;
  const figures: Figure[] = [];

  const database = await benchDatabase();
  const { db, pool } = database;
  try {
    const started = performance.now();
    const [org] = await db.insert(organisations).values({ name: 'Bench coop', slug: 'bench', currency: 'EUR', locale: 'fr', timeZone: 'Europe/Paris' }).returning();
    const personRows = await db.insert(people).values(Array.from({ length: MEMBERS }, (_, i) => ({ email: `m${i}@bench.test`, name: `Member ${i}` }))).returning();
    const membershipRows = await db
      .insert(memberships)
      .values(personRows.map((p, i) => ({ organisationId: org!.id, personId: p.id, name: p.name, role: i === 0 ? ('accountant' as const) : ('member' as const) })))
      .returning();
    const [round] = await db.insert(rounds).values({ organisationId: org!.id, title: 'Bench round', currency: 'EUR', phase: 'funding' }).returning();
    const lines = [{ label: 'All', amountCents: 1_000_000_000_000, essential: true }];
    await db.insert(buckets).values(Array.from({ length: BUCKETS }, (_, i) => ({
      roundId: round!.id, title: `Project ${i}`, status: 'open' as const, budgetLines: lines, minCents: 1, maxCents: lines[0]!.amountCents, createdBy: membershipRows[0]!.id,
    })));

    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // Bench only: skips the foreign-key triggers for the bulk insert (the rows are valid by
      // construction); the append-only trigger guards UPDATE and DELETE, not INSERT.
      await client.query('SET LOCAL session_replication_role = replica');
      await client.query('INSERT INTO participants (round_id, membership_id) SELECT $1, id FROM memberships WHERE organisation_id = $2', [round!.id, org!.id]);
      await client.query(`
        INSERT INTO ledger (round_id, participant_id, kind, delta_cents, entered_by, reason, created_at)
        SELECT $1, id, 'grant', 1000000, NULL, 'initial allowance', timestamptz '2026-11-01T08:00:00+01:00'
        FROM participants WHERE round_id = $1 ORDER BY id`, [round!.id]);
      await client.query(`
        WITH ps AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(membership_id ORDER BY id) AS ms FROM participants WHERE round_id = $1),
             bs AS (SELECT array_agg(id ORDER BY id) AS ids FROM buckets WHERE round_id = $1)
        INSERT INTO ledger (round_id, participant_id, bucket_id, kind, delta_cents, entered_by, idempotency_key, created_at)
        SELECT $1, ps.ids[1 + g % ${MEMBERS}], bs.ids[1 + (g / 7) % ${BUCKETS}], 'allocate', 1 + (g::bigint * 7919) % 500, ps.ms[1 + g % ${MEMBERS}],
          CASE WHEN g % 2 = 0 THEN 'key-' || g END, timestamptz '2026-11-01T09:00:00+01:00' + g * interval '1 second'
        FROM ps, bs, generate_series(1, $2::int) g`, [round!.id, ROWS - MEMBERS]);
      // The stored totals, from the ledger: the reconciliation must hold.
      await client.query(`
        UPDATE participants p SET allowance_cents = s.grants, allocated_cents = s.moves
        FROM (SELECT participant_id, SUM(delta_cents) FILTER (WHERE kind = 'grant') AS grants, COALESCE(SUM(delta_cents) FILTER (WHERE kind <> 'grant'), 0) AS moves
              FROM ledger WHERE round_id = $1 GROUP BY participant_id) s
        WHERE p.id = s.participant_id`, [round!.id]);
      await client.query(`
        INSERT INTO allocations (participant_id, bucket_id, amount_cents)
        SELECT participant_id, bucket_id, SUM(delta_cents) FROM ledger WHERE round_id = $1 AND kind <> 'grant' GROUP BY 1, 2`, [round!.id]);
      await client.query(`
        UPDATE buckets b SET funded_cents = s.total, contributors = s.n
        FROM (SELECT bucket_id, SUM(delta_cents) AS total, COUNT(DISTINCT participant_id) AS n FROM ledger WHERE round_id = $1 AND bucket_id IS NOT NULL GROUP BY bucket_id) s
        WHERE b.id = s.bucket_id`, [round!.id]);
      await client.query('COMMIT');
      await client.query('ANALYZE');
    } finally {
      client.release();
    }
    log(`inserted ${ROWS.toLocaleString('en')} ledger rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    if (args.explain) {
      // The plan the export's cursor gets, and where its time goes (`--explain`).
      const plan = await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${LEDGER_SQL}`, [round!.id]);
      log(plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n'));
    }

    const expiresAt = new Date(Date.now() + 3_600_000);
    const [session] = await db.insert(sessions).values({ kind: 'member', personId: personRows[0]!.id, expiresAt }).returning();
    const token = await signSessionToken(secret, { sid: session!.id, sub: personRows[0]!.id }, expiresAt);


    const server = await startServer(database.url);
    const pid = server.child.pid!;
    try {
      const headers = { authorization: `Bearer ${token}` };
      const reconciliation = (await (await fetch(`${server.url}/api/rounds/${round!.id}/exports/reconciliation`, { headers })).json()) as { reconciled: boolean; ledgerRows: number };
      log(`reconciliation: ${reconciliation.ledgerRows.toLocaleString('en')} rows, reconciled: ${reconciliation.reconciled ? 'yes' : 'NO'}`);

      for (const file of FILES) {
        const before = residentBytes(pid);
        // The kernel's peak resident size (VmHWM) restarts from now (Linux, clear_refs).
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
        let peak = before;
        const sampler = setInterval(() => void (peak = Math.max(peak, residentBytes(pid))), 10);
        const t0 = performance.now();
        const cpu0 = { server: cpuMs(pid), client: clientCpuSeconds(), postgres: database.cpuMs() };
        const res = await fetch(`${server.url}/api/rounds/${round!.id}/exports/${file}`, { headers });
        if (res.status !== 200 || !res.body) throw new Error(`${file}: HTTP ${res.status}`);
        let bytes = 0;
        let newlines = 0;
        for await (const chunk of res.body) {
          bytes += chunk.length;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines += 1;
        }
        const seconds = (performance.now() - t0) / 1000;
        const cpu = { server: (cpuMs(pid) - cpu0.server) / 1000, client: clientCpuSeconds() - cpu0.client, postgres: (database.cpuMs() - cpu0.postgres) / 1000 };
        clearInterval(sampler);
        peak = Math.max(peak, residentBytes(pid, 'VmHWM'));
        const perRow = (s: number) => `${((s * 1e6) / ROWS).toFixed(1)} µs/row`;
        const shape = file.endsWith('.csv') ? `, ${newlines.toLocaleString('en')} lines` : '';
        console.log(
          `${file}: ${ROWS.toLocaleString('en')} ledger rows, ${mb(bytes)}${shape} in ${seconds.toFixed(1)} s ` +
          `(${Math.round(ROWS / seconds).toLocaleString('en')} rows/s); server RSS ${mb(before)} before, peak ${mb(peak)} (+${mb(peak - before)}); ` +
          `CPU: server ${cpu.server.toFixed(1)} s (${perRow(cpu.server)}), postgres ${cpu.postgres.toFixed(1)} s (${perRow(cpu.postgres)}), ` +
          `client ${cpu.client.toFixed(1)} s; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
        );
        if (file === 'ledger.csv') {
          const rate = ROWS / seconds;
          const growthMb = (peak - before) / 1024 / 1024;
          figures.push({
            what: `ledger.csv, ${ROWS.toLocaleString('en')} rows`,
            value: `${Math.round(rate).toLocaleString('en')} rows/s, server RSS +${growthMb.toFixed(0)} MB (server ${perRow(cpu.server)})`,
            baseline: `postgres ${perRow(cpu.postgres)}`,
            target: `≥ ${TARGET_ROWS_PER_SECOND.toLocaleString('en')} rows/s, < ${TARGET_RSS_GROWTH_MB} MB`,
            met: rate >= TARGET_ROWS_PER_SECOND && growthMb < TARGET_RSS_GROWTH_MB,
          });
        }
      }
    } finally {
      await server.stop();
    }
  } finally {
    await database.stop();
  }
  return figures;
}
