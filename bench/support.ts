import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, chmodSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort, startEmbeddedDatabase } from '../server/src/db/embedded.ts';
import { createDb, createPool, type Db } from '../server/src/db/client.ts';
import { runMigrations } from '../server/src/db/migrate.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SECRET = 'bench-secret-bench-secret-bench-secret-!';

/** A durable (fsync on) PostgreSQL in a temporary directory, migrated, removed at the end. */
export async function benchDatabase(): Promise<{ url: string; db: Db; pool: pg.Pool; cpuMs: () => number; analyze: () => Promise<void>; stop: () => Promise<void> }> {
  const parent = mkdtempSync(path.join(tmpdir(), 'cagnotte-bench-'));
  chmodSync(parent, 0o755);
  const dataDir = path.join(parent, 'pg');
  const server = await startEmbeddedDatabase({ dataDir, port: await freePort() });
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query('CREATE DATABASE bench');
  await admin.end();
  const url = server.url.replace(/\/postgres$/, '/bench');
  const pool = createPool(url, 10);
  const db = createDb(pool);
  await runMigrations(db);
  if (process.env.BENCH_ASYNC_COMMIT) await pool.query('ALTER DATABASE bench SET synchronous_commit = off');
  return {
    url,
    db,
    pool,
    /**
     * Statistics for the rows just seeded, as autovacuum gathers them within a minute on a real
     * database: without them the planner may look a person's membership up by walking the
     * organisation's members (1,000 of them: 170 µs of PostgreSQL's CPU in every request).
     */
    analyze: async () => void (await pool.query('ANALYZE')),
    cpuMs: () => postgresCpuMs(Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])),
    stop: async () => {
      await pool.end();
      await server.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

let built: Promise<void> | undefined;
/** The production build (`npm run build -w @cagnotte/server`), once per bench process. */
export function buildServer(): Promise<void> {
  built ??= new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['server/scripts/build.mjs', ...(process.env.BENCH_READABLE_BUILD ? ['--readable'] : [])], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`server build exited with ${code}`))));
  });
  return built;
}

/**
 * The real server as `npm start` runs it — the compiled server/dist/main.js, built once per
 * bench process — in its own process so it has a core to itself.
 */
export async function startServer(databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  await buildServer();
  const port = await freePort();
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), 'server/dist/main.js'], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), SESSION_SECRET: SECRET, SEED_DEMO: 'false', LOG_LEVEL: 'warn', NODE_ENV: 'production', ...extraEnv },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, 60_000);
  return { url, child, stop: () => stopChild(child) };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * One measured figure for `npm run bench`'s summary: what was measured, its value, the baseline
 * measured in the same run on the same machine (the machine is shared, so only ratios compare
 * from run to run), the target, and whether it is met.
 */
export type Figure = {
  /** Filled in by the runner with the scenario's name when left out. */
  scenario?: string;
  what: string;
  value: string;
  baseline: string;
  target: string;
  met: boolean;
};

/** A benchmark scenario: `bench/run.ts` imports the module and calls `run` with its options. */
export type Scenario = { run: (argv: string[]) => Promise<Figure[]> };

export function formatFigures(figures: Figure[]): string {
  const rows = [['scenario', 'what', 'figure', 'same-run baseline', 'target', 'met'], ...figures.map((f) => [f.scenario ?? '', f.what, f.value, f.baseline, f.target, f.met ? 'yes' : 'NO'])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ').trimEnd()).join('\n');
}

/** The bare fastify reply (bench/bare-fastify.mjs) in a process of its own: the HTTP baseline. */
export async function startBareFastify(): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['bench/bare-fastify.mjs'], { cwd: repoRoot, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, 30_000);
  return { url, child, stop: () => stopChild(child) };
}

export async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not start`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The fields of /proc/<pid>/stat after the command's name (Linux); empty if it is gone. */
function statFields(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  } catch {
    return [];
  }
}

// utime, stime, cutime and cstime are fields 14 to 17 of stat, in clock ticks (100 a second).
const ticks = (fields: string[], from: number, to: number) => fields.slice(from, to).reduce((s, f) => s + Number(f), 0) * 10;

/** CPU time (user + system) a process has used so far, in milliseconds, from /proc (Linux). */
export function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const fields = statFields(pid);
  return fields.length === 0 ? NaN : ticks(fields, 11, 13);
}

/** The machine's CPU time so far, busy and in all, in clock ticks (all cores, from /proc/stat). */
export function machineTicks(): { busy: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const values = fields.map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - values[3]! - values[4]!, total };
}

/** Resident memory of a process (VmRSS), or its peak (VmHWM), from /proc (Linux). */
export function residentBytes(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return Number(line?.split(/\s+/)[1] ?? NaN) * 1024;
}

/**
 * CPU time of a whole PostgreSQL server so far: the postmaster, its live backends, and the
 * backends that have exited (counted in the postmaster's cutime and cstime once reaped).
 */
export function postgresCpuMs(postmasterPid: number): number {
  let total = ticks(statFields(postmasterPid), 11, 15);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    // ppid is field 4 of stat, the second after the name.
    if (fields[1] === String(postmasterPid)) total += ticks(fields, 11, 13);
  }
  return total;
}
