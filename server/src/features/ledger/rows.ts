import type { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';

/** The rows of a raw statement, typed by the caller (columns in snake_case, int8 parsed to numbers). */
export async function rows<T>(tx: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = await tx.execute(query);
  return result.rows as T[];
}
