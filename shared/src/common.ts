import { z } from 'zod';

export const Id = z.uuid();
export const IdParams = z.object({ id: Id });

/**
 * Whether PostgreSQL can read this ISO 8601 date-time as a timestamptz: its offset, if any,
 * within ±15:59 (ISO allows ±23:59, PostgreSQL refuses more than 15 hours) and its year not 0.
 */
export function storableDateTime(value: string): boolean {
  if (value.startsWith('0000')) return false;
  const offset = /([+-])(\d{2}):?(\d{2})$/.exec(value.slice(10));
  return !offset || Number(offset[2]) <= 15;
}
export const OFFSET_MESSAGE = 'must have a UTC offset between -15:59 and +15:59 and a year from 0001';

/** An instant as ISO 8601 with an offset; refused with a 400 when PostgreSQL could not read it. */
export const Timestamp = z.iso.datetime({ offset: true }).refine(storableDateTime, OFFSET_MESSAGE);

export const ROLES = ['admin', 'reviewer', 'accountant', 'member'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const Locale = z.enum(['fr', 'en']);
export type Locale = z.infer<typeof Locale>;

export const Email = z.email().max(254).transform((v) => v.trim().toLowerCase());
export const Name = z.string().trim().min(1).max(200);

/** A line of a CSV import that failed, by its line number in the file (header is line 1). */
export const ImportLineError = z.object({ line: z.number().int(), message: z.string() });
export const ImportReport = z.object({ imported: z.number().int(), errors: z.array(ImportLineError) });
export type ImportReport = z.infer<typeof ImportReport>;
