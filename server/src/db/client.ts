import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import * as schema from './schema.ts';

/** `$client`: node-postgres itself, for the few reads where drizzle's per-row mapping costs more than the query. */
export type Db = NodePgDatabase<typeof schema> & { $client: pg.Pool | pg.PoolClient };
/** A handle a query runs on: the pool's database or a transaction of it. */
export type Executor = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

// node-postgres returns int8 as text; money is int8, so parse it here, once, for every query.
// Safe: amounts are checked to be safe integers (2^53) on the way in. It has to be the global
// parser: drizzle hands each query its own type table built on it.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export function createPool(url: string, max = 20): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'cagnotte' });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}

export function createDb(client: pg.Pool | pg.PoolClient): Db {
  return drizzle({ client, schema, casing: 'snake_case' }) as Db;
}

/** The single row a statement must return (an INSERT … RETURNING, a lookup by key). */
export function one<T>(rows: T[], what: string): T {
  const [row] = rows;
  if (row === undefined) throw new Error(`expected one ${what}, got none`);
  return row;
}
