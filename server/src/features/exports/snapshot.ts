import type pg from 'pg';
import { createDb, type Db } from '../../db/client.ts';
import { exportTypes } from './timestamps.ts';

/**
 * One pool client holding one REPEATABLE READ, READ ONLY transaction: every query of an export
 * (its rows and its reconciliation) sees the same snapshot, so the totals match the rows even
 * while members keep allocating.
 */
export type Snapshot = {
  query<T>(text: string, values: unknown[]): Promise<T[]>;
  /** The same transaction for the app's own queries (the reconciliation of results). */
  db: Db;
  /**
   * The rows of a query in batches, from a server-side cursor: never the whole result in memory.
   * `arrays`: each row as an array of its columns, not an object (cheaper at a million rows).
   */
  batches<T>(text: string, values: unknown[], options?: { arrays?: boolean }): AsyncGenerator<T[]>;
  /** Ends the transaction and gives the client back (a broken one is destroyed); safe to repeat. */
  release(): Promise<void>;
};

export type SnapshotOptions = {
  batchSize: number;
  /**
   * A download that stops reading keeps its transaction idle; past this, PostgreSQL ends the
   * session, the export fails, and the client leaves the pool instead of being held forever.
   */
  idleTimeoutMs: number;
};

export async function openSnapshot(pool: pg.Pool, options: SnapshotOptions): Promise<Snapshot> {
  const client = await pool.connect();
  let failure: Error | undefined;
  // A checked-out client whose session ends (idle timeout, restart) emits 'error': without a
  // listener the process would crash.
  const onError = (error: Error) => void (failure ??= error);
  client.on('error', onError);
  let released = false;
  let cursors = 0;

  async function release(): Promise<void> {
    if (released) return;
    released = true;
    if (!failure) {
      try {
        await client.query('ROLLBACK');
      } catch (error) {
        failure = error as Error;
      }
    }
    client.off('error', onError);
    client.release(failure);
  }

  async function query<T>(text: string, values: unknown[], types?: typeof exportTypes, arrays = false): Promise<T[]> {
    if (released) throw new Error('export snapshot already released');
    try {
      return (await client.query({ text, values, types, ...(arrays ? { rowMode: 'array' as const } : {}) })).rows as T[];
    } catch (error) {
      failure ??= error as Error;
      throw error;
    }
  }

  try {
    await query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', []);
    await query(`SET LOCAL idle_in_transaction_session_timeout = ${Math.max(1, Math.round(options.idleTimeoutMs))}`, []);
    // Every cursor here is read to its end: plan for all the rows (hash joins), not for the
    // first tenth (nested loops of index lookups, the default for cursors).
    await query('SET LOCAL cursor_tuple_fraction = 1.0', []);
  } catch (error) {
    await release();
    throw error;
  }

  return {
    query,
    db: createDb(client),
    release,
    async *batches<T>(text: string, values: unknown[], { arrays = false } = {}): AsyncGenerator<T[]> {
      const name = `export_cursor_${++cursors}`;
      await query(`DECLARE ${name} NO SCROLL CURSOR FOR ${text}`, values);
      const fetch = () => {
        const rows = query<T>(`FETCH ${options.batchSize} FROM ${name}`, [], exportTypes, arrays);
        // Handled where it is awaited; a download abandoned meanwhile never awaits it.
        rows.catch(() => undefined);
        return rows;
      };
      let next = fetch();
      for (;;) {
        const rows = await next;
        if (rows.length === 0) break;
        const last = rows.length < options.batchSize;
        // The database reads the next batch while this one is formatted and sent.
        if (!last) next = fetch();
        yield rows;
        if (last) break;
      }
      await query(`CLOSE ${name}`, []);
    },
  };
}
