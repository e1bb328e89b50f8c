import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../test/eventually.ts';
import { freePort, startEmbeddedDatabase } from './embedded.ts';
import { superviseEmbeddedDatabase, type SupervisedDatabase } from './embedded-supervisor.ts';
import type { EmbeddedDatabaseError } from './embedded.ts';

/**
 * A PostgreSQL of this file's own, killed with SIGKILL as an OOM killer or a careless `kill -9`
 * would. The tests run in order on that one cluster: each starts from where the previous left it.
 */
let parent: string;
let port: number;
const notes: string[] = [];
const givenUp: EmbeddedDatabaseError[] = [];
let database: SupervisedDatabase | undefined;

const canQuery = async (url: string) => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return (await client.query('SELECT 1 AS one')).rows[0]?.one === 1;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
};

/** Linux: a killed child stays a zombie until Node reaps it, but has already closed its sockets. */
function deadOrZombie(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
  } catch {
    return true;
  }
}

beforeAll(async () => {
  parent = mkdtempSync(path.join(tmpdir(), 'cagnotte-supervisor-'));
  chmodSync(parent, 0o755); // as root, PostgreSQL runs as its own user and must enter it
  port = await freePort();
  database = await superviseEmbeddedDatabase({
    dataDir: path.join(parent, 'pg'),
    port,
    throwaway: true,
    restart: { checkEveryMs: 50, firstDelayMs: 50, maxDelayMs: 100, attempts: 3 },
    note: (line) => notes.push(line),
    onGiveUp: (error) => givenUp.push(error),
  });
}, 60_000);

afterAll(async () => {
  await database?.stop();
  rmSync(parent, { recursive: true, force: true });
});

describe('the embedded PostgreSQL supervisor', () => {
  it('starts a killed server again on the same port, over its stale postmaster.pid', async () => {
    const killed = database!.pid;
    process.kill(killed, 'SIGKILL');
    await eventually(() => database!.restarts() === 1, 'a restart', 30_000);

    expect(database!.pid).not.toBe(killed);
    expect(database!.alive()).toBe(true);
    expect(await canQuery(database!.url)).toBe(true);
    expect(notes.some((line) => line.includes(`pid ${killed}) is gone`))).toBe(true);
    expect(givenUp).toEqual([]);
  }, 40_000);

  it('gives up after its attempts when the server cannot start again, so that the app can exit non-zero', async () => {
    const killed = database!.pid;
    // Something else takes the port the moment the dead server frees it: all of it without
    // yielding to the event loop, so the supervisor (in this process) cannot restart in between.
    process.kill(killed, 'SIGKILL');
    const deadline = Date.now() + 10_000;
    while (!deadOrZombie(killed)) if (Date.now() > deadline) throw new Error(`pid ${killed} did not die`);
    const squatter = net.createServer();
    const listening = new Promise<void>((resolve, reject) => {
      squatter.once('error', reject);
      squatter.once('listening', resolve);
    });
    squatter.listen(port, '127.0.0.1'); // binds synchronously; reports asynchronously
    await listening;
    try {
      await eventually(() => givenUp.length === 1, 'giving up', 30_000);
      expect(givenUp[0]!.message).toMatch(/could not be started again after 3 attempts/);
      expect(givenUp[0]!.message).toMatch(new RegExp(`Port ${port} is already in use`));
      expect(database!.restarts()).toBe(1);
      expect(existsSync(path.join(parent, 'pg', 'PG_VERSION'))).toBe(true);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  }, 40_000);

  it('starts over a postmaster.pid whose pid another program now has (reused after a reboot)', async () => {
    // The server killed above left its pid file; that pid now names a live process, not PostgreSQL.
    const pidFile = path.join(parent, 'pg', 'postmaster.pid');
    const lines = readFileSync(pidFile, 'utf8').split('\n');
    lines[0] = String(process.pid);
    writeFileSync(pidFile, lines.join('\n'));

    const again = await startEmbeddedDatabase({ dataDir: path.join(parent, 'pg'), port, throwaway: true });
    try {
      expect(again.pid).not.toBe(process.pid);
      expect(await canQuery(again.url)).toBe(true);
    } finally {
      await again.stop();
    }
  }, 40_000);
});
