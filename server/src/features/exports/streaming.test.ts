import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { eventually } from '../../../test/eventually.ts';
import { testApp, type TestContext } from '../../../test/harness.ts';
import { closedRound } from '../../../test/exports-scenario.ts';
import { makeExportsService } from './service.ts';

let t: TestContext;
let base: string;
beforeAll(async () => {
  t = await testApp();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(() => t.close());

const silent = { error: () => undefined };

const poolIsIdle = () => t.pool.totalCount === t.pool.idleCount && t.pool.waitingCount === 0;

const exportsInFlight = async () =>
  Number((await t.db.execute(sql`
    SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction') AND query LIKE 'FETCH%'`)).rows[0]?.n);

async function roundWithLedger(rows: number) {
  const { admin, round } = await t.given.fundingRound({ members: 1 });
  await t.db.execute(sql`
    INSERT INTO ledger (round_id, participant_id, kind, delta_cents, entered_by, reason)
    SELECT ${round.id}, p.id, 'grant', 1 + g % 1000, ${admin.membershipId}, 'bulk row ' || g
    FROM (SELECT id FROM participants WHERE round_id = ${round.id} LIMIT 1) p, generate_series(1, ${rows}) g`);
  return { admin, round };
}

/**
 * A round whose ledger is far longer (about 20 MB of CSV) than what sockets and stream buffers
 * hold. Made once for the tests that only read it: inserting it is most of their time.
 */
let long: ReturnType<typeof roundWithLedger> | undefined;
const longRound = () => (long ??= roundWithLedger(200_000));

/** Starts a download and hands back the response once its first bytes arrived, paused. */
function startDownload(path: string, token: string): Promise<{ req: http.ClientRequest; res: http.IncomingMessage; first: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.once('data', (first: Buffer) => {
        res.pause();
        resolve({ req, res, first });
      });
    });
    req.on('error', reject);
  });
}

describe('streaming', () => {
  it.each(['ledger.csv', 'round.xlsx'])('gives the database client back when the client goes away mid-download (%s)', async (file) => {
    const { admin, round } = await longRound();
    const { req, res } = await startDownload(`/api/rounds/${round.id}/exports/${file}`, admin.token);
    expect(res.statusCode).toBe(200);
    await eventually(async () => (await exportsInFlight()) === 1, 'the export is under way', 10_000);
    req.destroy();
    await eventually(async () => (await exportsInFlight()) === 0 && poolIsIdle(), 'the export client is released', 10_000);
  });

  it('cuts the file short, frees the client and keeps serving when the database fails mid-download', async () => {
    const { admin, round } = await longRound();
    const { res } = await startDownload(`/api/rounds/${round.id}/exports/ledger.csv`, admin.token);
    await eventually(async () => (await exportsInFlight()) === 1, 'the export is under way', 10_000);
    const killed = await t.db.execute(sql`
      SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction') AND query LIKE 'FETCH%'`);
    expect(killed.rows).toEqual([{ ok: true }]);
    const body: Buffer[] = [];
    const outcome = await new Promise<string>((resolve) => {
      res.on('data', (chunk: Buffer) => body.push(chunk));
      res.on('end', () => resolve('end'));
      res.on('error', () => resolve('error'));
      res.on('aborted', () => resolve('aborted'));
      res.resume();
    });
    expect(outcome).not.toBe('end');
    expect(Buffer.concat(body).toString('utf8')).not.toContain('# Rapprochement');
    await eventually(poolIsIdle, 'the broken client leaves the pool', 10_000);
    const again = await fetch(`${base}/api/rounds/${round.id}/exports/reconciliation`, { headers: { authorization: `Bearer ${admin.token}` } });
    expect(again.status).toBe(200);
  });

  it('streams a whole long ledger, every row once, in order', async () => {
    const { admin, round } = await roundWithLedger(25_000);
    const res = await fetch(`${base}/api/rounds/${round.id}/exports/ledger.csv`, { headers: { authorization: `Bearer ${admin.token}` } });
    const lines = (await res.text()).split('\r\n\r\n')[0]!.split('\r\n').slice(1);
    const count = Number((await t.db.execute(sql`SELECT count(*)::int AS n FROM ledger WHERE round_id = ${round.id}`)).rows[0]?.n);
    expect(count).toBeGreaterThan(25_000);
    expect(lines).toHaveLength(count);
    const ids = lines.map((l) => Number(l.split(';')[0]));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    expect(poolIsIdle()).toBe(true);
  });
});

describe('continuation sheets', () => {
  it('continues a table past the per-sheet row limit on “Ledger 2”, “Ledger 3”…, each with its header', async () => {
    const { round } = await closedRound(t, { allocations: 12 });
    const exports = makeExportsService({ db: t.db, pool: t.pool, now: t.clock.now, maxRowsPerSheet: 5, batchSize: 3 });
    const download = await exports.xlsx(round, silent);
    const chunks: Buffer[] = [];
    for await (const chunk of download.stream) chunks.push(chunk as Buffer);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.concat(chunks) as unknown as ExcelJS.Buffer);

    const ledgerSheets = book.worksheets.filter((s) => /^Ledger( \d+)?$/.test(s.name));
    expect(ledgerSheets.map((s) => s.name)).toEqual(ledgerSheets.map((_, i) => (i === 0 ? 'Ledger' : `Ledger ${i + 1}`)));
    const data: unknown[][] = [];
    for (const sheet of ledgerSheets) {
      expect(sheet.rowCount).toBeLessThanOrEqual(5);
      expect(sheet.getRow(1).getCell(1).value).toBe('N°');
      sheet.eachRow((row, n) => void (n > 1 && data.push((row.values as unknown[]).slice(1))));
    }
    const ids = (await t.db.execute(sql`SELECT id FROM ledger WHERE round_id = ${round.id} ORDER BY id`)).rows.map((r) => Number(r.id));
    expect(data.slice(0, -3).map((r) => r[0])).toEqual(ids);
    expect(data.slice(-3).map((r) => r[0])).toEqual(['Total enveloppe', 'Total affectation', 'Total restitution']);
    expect(book.worksheets.map((s) => s.name)).toContain('Members 2');
    expect(book.worksheets.at(-1)?.name).toBe('Reconciliation');
    expect(poolIsIdle()).toBe(true);
  });

  it('needs room for a header and a row on each sheet', async () => {
    const { round } = await t.given.fundingRound({ members: 1 });
    const exports = makeExportsService({ db: t.db, pool: t.pool, now: t.clock.now, maxRowsPerSheet: 1 });
    const download = await exports.xlsx(round, silent);
    await expect(async () => {
      for await (const chunk of download.stream) void chunk;
    }).rejects.toThrow(/room for its header/);
    await eventually(poolIsIdle, 'the client is released', 10_000);
  });
});
