import { Writable } from 'node:stream';
import pino from 'pino';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import { freePort } from './db/embedded.ts';
import { makeJobs } from './jobs.ts';

/** A pool to a port nothing listens on: the errors a stopped database gives. */
const down = new pg.Pool({ connectionString: `postgres://nobody@127.0.0.1:${await freePort()}/none`, max: 1 });
afterAll(() => down.end());

function capturedLog() {
  const lines: Array<{ level: number; msg: string; job?: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream) as unknown as FastifyBaseLogger, lines };
}

describe('scheduled jobs', () => {
  it('say once that the database cannot be reached, not at every run, and say when they run again', async () => {
    const { log, lines } = capturedLog();
    const jobs = makeJobs(log);
    let databaseUp = false;
    jobs.add('phases', async () => {
      if (!databaseUp) await down.query('SELECT 1');
    });

    for (let run = 0; run < 5; run++) await jobs.runDue();
    databaseUp = true;
    await jobs.runDue();
    await jobs.runDue();

    expect(lines.map((l) => [l.level, l.msg, l.job])).toEqual([
      [40, 'scheduled job waits: the database cannot be reached', 'phases'],
      [30, 'scheduled job runs again: the database is back', 'phases'],
    ]);
  });

  it('log every other failure, each time, and keep running the other jobs', async () => {
    const { log, lines } = capturedLog();
    const jobs = makeJobs(log);
    let ran = 0;
    jobs.add('broken', async () => {
      throw new Error('a bug');
    });
    jobs.add('fine', async () => void (ran += 1));

    await jobs.runDue();
    await jobs.runDue();

    expect(lines.map((l) => [l.level, l.msg, l.job])).toEqual([
      [50, 'scheduled job failed', 'broken'],
      [50, 'scheduled job failed', 'broken'],
    ]);
    expect(ran).toBe(2);
  });
});
