import net from 'node:net';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../db/client.ts';
import { problemFromError } from './error-handler.ts';

/**
 * When PostgreSQL dies under a query, or cannot be reached in time, node-postgres raises errors
 * of its own with no SQLSTATE. They are the database being unavailable — a 503 the client may
 * retry — not a bug of ours (500). Real driver errors, from loopback servers that misbehave.
 */
const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
let hangsUp: number;
let neverAnswers: number;

function listen(onConnection: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer((socket) => {
    sockets.add(socket);
    onConnection(socket);
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

beforeAll(async () => {
  hangsUp = await listen((socket) => socket.destroy());
  neverAnswers = await listen(() => undefined);
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

const failureOf = async (port: number, settings: Partial<pg.PoolConfig> = {}) => {
  const pool = new pg.Pool({ connectionString: `postgres://app@127.0.0.1:${port}/app`, max: 1, ...settings });
  pool.on('error', () => undefined);
  try {
    await createDb(pool).execute(sql`SELECT 1`);
    throw new Error('the query succeeded');
  } catch (error) {
    return error;
  } finally {
    await pool.end();
  }
};

describe('errors of a database connection that dies or never comes', () => {
  it('a connection cut by the server ("Connection terminated unexpectedly") is a 503', async () => {
    const error = await failureOf(hangsUp);
    expect(String((error as { cause?: Error }).cause ?? error)).toMatch(/Connection terminated unexpectedly/);
    expect(problemFromError(error)).toMatchObject({ status: 503, code: 'database_unavailable' });
  });

  it('a connection that does not open in time is a 503', async () => {
    const error = await failureOf(neverAnswers, { connectionTimeoutMillis: 100 });
    expect(String((error as { cause?: Error }).cause ?? error)).toMatch(/timeout/);
    expect(problemFromError(error)).toMatchObject({ status: 503, code: 'database_unavailable' });
  });

  it('any other error without a code stays unknown (a 500 for the error handler)', () => {
    expect(problemFromError(new Error('Connection string is terminated by a bug'))).toBeUndefined();
  });
});
