import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../src/bootstrap.ts';
import { freePort } from '../../src/db/embedded.ts';
import { testConfig } from '../harness.ts';

/**
 * The app as `npm start` runs it — `server/src/main.ts` in a process of its own — so that a
 * test can SIGKILL it, or the PostgreSQL it started, and watch what survives.
 */
export type AppProcess = {
  base: string;
  child: ChildProcess;
  /** Everything it wrote (stdout and stderr); with `lines`, only the last ones, for failure messages. */
  output: (lines?: number) => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` and waits (up to `withinMs`) for the process to end. */
  end: (signal: NodeJS.Signals, withinMs?: number) => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** The secret the test's own tokens are signed with (those of `makeGiven`). */
export const SESSION_SECRET = new TextDecoder().decode(testConfig().sessionSecret);

export async function startAppProcess(env: Record<string, string>, readyWithinMs = 40_000): Promise<AppProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/src/main.ts')], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      SESSION_SECRET,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Lines cut to 400 characters (a 503's log line carries its whole query), 2 MB at most.
  let text = '';
  const collect = (stream: NodeJS.ReadableStream | null) => {
    let partial = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (text.length < 2_000_000) text += `${line.length > 400 ? `${line.slice(0, 400)}…` : line}\n`;
    });
  };
  collect(child.stdout);
  collect(child.stderr);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let gone = false;
  void exited.then(() => (gone = true));

  const base = `http://127.0.0.1:${port}`;
  const end: AppProcess['end'] = async (signal, withinMs = 20_000) => {
    if (!gone) child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the app (pid ${child.pid}) did not end within ${withinMs} ms of ${signal}\n${text}`)), withinMs);
    });
    try {
      return await Promise.race([exited, late]);
    } finally {
      clearTimeout(timer);
    }
  };

  const deadline = Date.now() + readyWithinMs;
  while (true) {
    if (gone) throw new Error(`the app exited before it was ready:\n${text}`);
    if (Date.now() > deadline) {
      await end('SIGKILL');
      throw new Error(`the app was not ready within ${readyWithinMs} ms:\n${text}`);
    }
    const res = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
    if (res?.status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const output = (lines?: number) => (lines === undefined ? text : text.split('\n').slice(-lines - 1).join('\n'));
  return { base, child, output, exited, end };
}

/** The pid a PostgreSQL data directory's postmaster.pid names, if any. */
export function postmasterPid(dataDir: string): number | undefined {
  const file = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
