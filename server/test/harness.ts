import { randomBytes } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../src/app.ts';
import { baseConfig, type AppConfig } from '../src/config.ts';
import { createDb, createPool, type Db } from '../src/db/client.ts';
import { memoryTransport, type MemoryTransport } from '../src/mail/transport.ts';
import { withDatabase } from './global-setup.ts';
import { makeGiven, type Given, type Member } from './given.ts';

export const TEST_ORIGIN = 'http://cagnotte.test';

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return baseConfig({
    publicUrl: TEST_ORIGIN,
    allowedOrigins: [TEST_ORIGIN],
    sessionSecret: new TextEncoder().encode('test-secret-test-secret-test-secret-!!'),
    logLevel: (process.env.TEST_LOG_LEVEL as AppConfig['logLevel'] | undefined) ?? 'silent',
    liveFrameMs: 20,
    schedulerIntervalMs: 0,
    rateLimit: { signInPerMinute: 1000 },
    ...overrides,
  });
}

/** A controllable clock: starts at the real time, moves only when told. */
export function testClock(start = new Date()) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance: (ms: number) => void (current += ms),
    set: (date: Date) => void (current = date.getTime()),
  };
}
export type TestClock = ReturnType<typeof testClock>;

/** A database of its own, cloned from the migrated template. */
export async function freshDatabase(): Promise<{ url: string; pool: pg.Pool; db: Db; drop: () => Promise<void> }> {
  const base = inject('databaseUrl');
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDatabase')}`);
  await admin.end();
  const url = withDatabase(base, name);
  const pool = createPool(url, 30);
  return {
    url,
    pool,
    db: createDb(pool),
    drop: async () => {
      await pool.end();
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export type TestContext = {
  app: FastifyInstance;
  db: Db;
  pool: pg.Pool;
  mail: MemoryTransport;
  clock: TestClock;
  given: Given;
  /**
   * What a member does to put money into a project: `PUT /api/buckets/:id/allocation` with
   * their token; `memberId` when staff enter a paper vote for someone else.
   */
  allocate: (by: Member, bucketId: string, amountCents: number, options?: { memberId?: string; headers?: Record<string, string> }) => request.Test;
  close: () => Promise<void>;
};

/** One instance of the app on `db`, and what a test needs around it; `close` stops only the app. */
async function bootInstance(
  deps: { db: Db; pool: pg.Pool; databaseUrl: string; config: AppConfig; clock: TestClock } & Pick<AppDeps, 'logStream'>,
): Promise<TestContext> {
  const { db, pool, config, clock } = deps;
  const mail = memoryTransport();
  const app = await buildApp({ config, db, pool, mail, now: clock.now, databaseUrl: deps.databaseUrl, ...(deps.logStream ? { logStream: deps.logStream } : {}) });
  await app.ready();
  const given = makeGiven({ db, config, now: clock.now });
  return {
    app,
    db,
    pool,
    mail,
    clock,
    given,
    allocate: (by, bucketId, amountCents, { memberId, headers = {} } = {}) =>
      request(app.server).put(`/api/buckets/${bucketId}/allocation`).set(given.authFor(by)).set(headers).send({ amountCents, memberId }),
    close: () => app.close(),
  };
}

/** Boots what production runs, `buildApp`, on a database of its own; fakes only mail and clock. */
export async function testApp(overrides: Partial<AppConfig> = {}, extra: Pick<AppDeps, 'logStream'> = {}): Promise<TestContext> {
  const database = await freshDatabase();
  const instance = await bootInstance({ ...database, databaseUrl: database.url, config: testConfig(overrides), clock: testClock(), ...extra });
  return {
    ...instance,
    close: async () => {
      await instance.close();
      await database.drop();
    },
  };
}

export async function testApps(count: number, overrides: Partial<AppConfig> = {}): Promise<{ instances: TestContext[]; close: () => Promise<void> }> {
  const database = await freshDatabase();
  const clock = testClock();
  const config = testConfig(overrides);
  const instances: TestContext[] = [];
  for (let i = 0; i < count; i++) {
    const pool = i === 0 ? database.pool : createPool(database.url, 10);
    const db = i === 0 ? database.db : createDb(pool);
    const instance = await bootInstance({ db, pool, databaseUrl: database.url, config, clock });
    instances.push({
      ...instance,
      close: async () => {
        await instance.close();
        if (i > 0) await pool.end();
      },
    });
  }
  return {
    instances,
    close: async () => {
      for (const instance of instances) await instance.close();
      await database.drop();
    },
  };
}
