import { z } from 'zod';

export const Id = z.uuid();
export const IdParams = z.object({ id: Id });
export const Timestamp = z.iso.datetime({ offset: true });

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
