import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { baseConfig, type AppConfig, type Env } from './config.ts';
import { createDb, createPool, type Db } from './db/client.ts';
import { startEmbeddedDatabase } from './db/embedded.ts';
import { superviseEmbeddedDatabase, type SupervisorOptions } from './db/embedded-supervisor.ts';
import { runMigrations } from './db/migrate.ts';

/** The repository's root: relative paths in the configuration (DATA_DIR) start here, whatever the working directory. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fromRoot = (p: string) => path.resolve(repoRoot, p);

export type Database = { url: string; pool: pg.Pool; db: Db; close: () => Promise<void> };

const APP_DATABASE = 'cagnotte';

/**
 * `DATABASE_URL` when set; otherwise the embedded PostgreSQL in DATA_DIR/pg, with its own
 * `cagnotte` database. Migrations are applied either way. The embedded server this process
 * started stops on close; one already running (the app's, while the CLI works) stops only for
 * an `owner` (the app taking over a server left by a killed process). With `keepAlive` (the
 * app), an embedded server that dies is started again; an external one is left to its operator.
 */
export async function openDatabase(
  env: Env,
  options: { owner: boolean; log?: (line: string) => void; keepAlive?: Pick<SupervisorOptions, 'note' | 'onGiveUp'> },
): Promise<Database> {
  let url = env.DATABASE_URL;
  let stopEmbedded = async () => undefined as void;
  if (!url) {
    const dataDir = path.join(fromRoot(env.DATA_DIR), 'pg');
    const settings = { dataDir, port: env.EMBEDDED_PG_PORT, adoptRunning: options.owner, log: options.log };
    const embedded = options.keepAlive
      ? await superviseEmbeddedDatabase({ ...settings, ...options.keepAlive })
      : await startEmbeddedDatabase(settings);
    stopEmbedded = embedded.stop;
    await ensureDatabase(embedded.url, APP_DATABASE);
    const parsed = new URL(embedded.url);
    parsed.pathname = `/${APP_DATABASE}`;
    url = parsed.toString();
  }
  const pool = createPool(url);
  const db = createDb(pool);
  try {
    await runMigrations(db);
  } catch (error) {
    await pool.end();
    await stopEmbedded();
    throw error;
  }
  return {
    url,
    pool,
    db,
    close: async () => {
      await pool.end();
      await stopEmbedded();
    },
  };
}

async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/** SESSION_SECRET, or one generated once into the data directory (kept across restarts). */
export function sessionSecret(env: Env): Uint8Array {
  if (env.SESSION_SECRET) return new TextEncoder().encode(env.SESSION_SECRET);
  const file = path.join(fromRoot(env.DATA_DIR), 'session-secret');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}

/** Said once at start when sign-in links go to the log rather than by e-mail. */
export function signInLinkNotice(config: Pick<AppConfig, 'logMagicLinks'>): string | undefined {
  return config.logMagicLinks ? 'no SMTP_URL: sign-in links are written to this log' : undefined;
}

export function appConfigFrom(env: Env, secret: Uint8Array, listeningPort: number): AppConfig {
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${listeningPort}`).replace(/\/$/, '');
  const origins = new Set([new URL(publicUrl).origin]);
  if (!env.PUBLIC_URL) origins.add(`http://127.0.0.1:${listeningPort}`);
  const clientDir = path.join(repoRoot, 'client/dist');
  return baseConfig({
    publicUrl,
    allowedOrigins: [...origins],
    sessionSecret: secret,
    sessionDays: env.SESSION_DAYS,
    secureCookies: publicUrl.startsWith('https://'),
    trustProxy: env.TRUST_PROXY,
    logLevel: env.LOG_LEVEL,
    logPretty: env.LOG_PRETTY ?? Boolean(process.stdout.isTTY),
    liveFrameMs: env.LIVE_FRAME_MS,
    schedulerIntervalMs: env.SCHEDULER_INTERVAL_MS,
    // Only when no mail transport is configured: then the log is where e-mails go anyway.
    logMagicLinks: !env.SMTP_URL,
    ...(existsSync(path.join(clientDir, 'index.html')) ? { clientDir } : {}),
  });
}
