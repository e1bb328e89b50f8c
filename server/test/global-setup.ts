import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { freePort, startEmbeddedDatabase } from '../src/db/embedded.ts';
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
