import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../app.ts';
import { createDb, createPool } from '../../db/client.ts';
import { freePort, startEmbeddedDatabase, type EmbeddedDatabase } from '../../db/embedded.ts';
import { runMigrations } from '../../db/migrate.ts';
import { memoryTransport } from '../../mail/transport.ts';
import { testConfig } from '../../../test/harness.ts';
import { makeGiven, type Given } from '../../../test/given.ts';
import { openLive } from '../../../test/live-client.ts';
import { eventually } from '../../../test/eventually.ts';
import type { LiveServerMessage } from '@cagnotte/shared';

/**
 * The database itself stops and starts again under live sockets: this file has a PostgreSQL of
 * its own, since the suite's shared one cannot be restarted under the other files.
 */
let parent: string;
let port: number;
let server: EmbeddedDatabase;
let pool: pg.Pool;
let app: FastifyInstance;
let watched: FastifyInstance;
let watchedPool: pg.Pool;
let given: Given;
let base: string;

const startServer = () => startEmbeddedDatabase({ dataDir: path.join(parent, 'pg'), port });

beforeAll(async () => {
  parent = mkdtempSync(path.join(tmpdir(), 'cagnotte-restart-'));
  chmodSync(parent, 0o755);
  port = await freePort();
  server = await startServer();
  pool = createPool(server.url, 10);
  const db = createDb(pool);
  await runMigrations(db);
  const config = testConfig({ live: { maxBufferedBytes: 1 << 20, heartbeatMs: 30_000, sweepMs: 500, reconnectMaxMs: 500 } });
  app = await buildApp({ config, db, pool, mail: memoryTransport(), databaseUrl: server.url });
  await app.ready();
  // A second instance holds the sockets: what reaches them crossed LISTEN/NOTIFY or the sweep.
  watchedPool = createPool(server.url, 10);
  watched = await buildApp({ config, db: createDb(watchedPool), pool: watchedPool, mail: memoryTransport(), databaseUrl: server.url });
  base = await watched.listen({ port: 0, host: '127.0.0.1' });
  given = makeGiven({ db, config, now: () => new Date() });
}, 60_000);

afterAll(async () => {
  await watched?.close();
  await watchedPool?.end();
  await app?.close();
  await pool?.end();
  await server?.stop();
  rmSync(parent, { recursive: true, force: true });
});

describe('when PostgreSQL restarts under live sockets', () => {
  it('keeps the sockets of another instance, then delivers the states of allocations made after it is back', async () => {
    const { members, buckets: [bucket], round } = await given.fundingRound({ members: 2 });
    const [watcher, allocator] = [members[0]!, members[1]!];
    const live = await openLive(base, round.id, { token: watcher.token });
    await live.next('snapshot');

    await server.stop();
    server = await startServer();

    // The pool's old connections died with the server: the first requests may get 503s.
    let status = 0;
    await eventually(async () => {
      const res = await request(app.server).put(`/api/buckets/${bucket!.id}/allocation`).set(given.authFor(allocator)).send({ amountCents: 12_345 });
      status = res.status;
      if (res.status !== 200) expect(res.status).toBe(503);
      return res.status === 200;
    }, 'an allocation succeeding after the restart', 20_000);
    expect(status).toBe(200);

    // The state arrives in a frame, or in the fresh snapshot the listener sends once it is back
    // (whichever comes first: both are absolute states, and either is a delivery).
    const delivered = (m: LiveServerMessage) =>
      (m.type === 'frame' || m.type === 'snapshot') && m.buckets.some((b) => b.bucketId === bucket!.id && b.fundedCents === 12_345);
    await eventually(() => live.received.some(delivered), 'the allocation’s state on the other instance’s socket', 20_000);
    live.close();
  }, 60_000);
});
