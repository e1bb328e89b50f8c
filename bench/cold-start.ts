/**
 * Cold start of production on an initialised data directory: from spawning
 * `node server/dist/main.js` (what `npm start` runs once built) to its first served request,
 * with the embedded PostgreSQL in a temporary DATA_DIR initialised by a first start that is not
 * counted. Baseline in the same run: spawning a bare fastify server to its first reply. Each
 * start waits for the previous one to have exited (SIGTERM, database stopped).
 *
 *   npm run bench -- cold-start [--runs 5]
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { freePort } from '../server/src/db/embedded.ts';
import { buildServer, percentile, repoRoot, SECRET, stopChild, waitForHealth, type Figure } from './support.ts';

const TARGET_MS = 2000;

async function timeToFirstRequest(args: string[], env: Record<string, string>): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await waitForHealth(`http://127.0.0.1:${port}`, 60_000);
    return performance.now() - started;
  } finally {
    await stopChild(child);
  }
}

export async function run(argv: string[]): Promise<Figure[]> {
  const { values } = parseArgs({ args: argv, options: { runs: { type: 'string', default: '5' } } });
  const runs = Number(values.runs);
  await buildServer();
  const parent = mkdtempSync(path.join(tmpdir(), 'cagnotte-cold-'));
  chmodSync(parent, 0o755);
  const env = { DATA_DIR: parent, EMBEDDED_PG_PORT: String(await freePort()), SESSION_SECRET: SECRET, SEED_DEMO: 'true', NODE_ENV: 'production', LOG_PRETTY: 'false' };
  try {
    const first = await timeToFirstRequest(['server/dist/main.js'], env);
    console.log(`first start (initdb, migrations, demo seed; not counted): ${first.toFixed(0)} ms`);
    const app: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      bare.push(await timeToFirstRequest(['bench/bare-fastify.mjs'], {}));
      app.push(await timeToFirstRequest(['server/dist/main.js'], env));
    }
    app.sort((a, b) => a - b);
    bare.sort((a, b) => a - b);
    const median = percentile(app, 50);
    const bareMedian = percentile(bare, 50);
    console.log(`cold start: ${app.map((t) => t.toFixed(0)).join(', ')} ms; bare fastify: ${bare.map((t) => t.toFixed(0)).join(', ')} ms`);
    return [{
      what: 'cold start to the first served request, initialised data directory',
      value: `median ${median.toFixed(0)} ms (${(median / bareMedian).toFixed(1)} × bare; ${runs} starts)`,
      baseline: `bare fastify start: median ${bareMedian.toFixed(0)} ms`,
      target: `< ${TARGET_MS} ms`,
      met: median < TARGET_MS,
    }];
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}
