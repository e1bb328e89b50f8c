import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { organisations } from '../../db/schema.ts';
import { AppError } from '../../domain/errors.ts';
import { decodeCsv, type ImportLineError } from './csv.ts';
import { makeMembersService } from './service.ts';

/**
 * The command line's `import-members`: the same all-or-nothing import as the API, for an
 * organisation named by its slug. Returns what to print and whether it succeeded.
 */
export async function importMembersFromFile(
  deps: { db: Db; publicUrl: string; now?: () => Date },
  input: { slug: string; path: string },
): Promise<{ ok: boolean; lines: string[] }> {
  const [org] = await deps.db.select().from(organisations).where(eq(organisations.slug, input.slug));
  if (!org) return { ok: false, lines: [`No organisation with the slug ${input.slug}.`] };
  let bytes: Uint8Array;
  try {
    bytes = await readFile(input.path);
  } catch (error) {
    return { ok: false, lines: [`Cannot read ${input.path}: ${(error as Error).message}`] };
  }
  const members = makeMembersService({ db: deps.db, now: deps.now ?? (() => new Date()), publicUrl: deps.publicUrl, changes: { emit: () => undefined } });
  try {
    const report = await members.importCsv(org.id, decodeCsv(bytes), null);
    return { ok: true, lines: [`Imported ${report.imported} member${report.imported === 1 ? '' : 's'} into ${org.name}.`] };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const errors = (error.extra.errors ?? []) as ImportLineError[];
    return { ok: false, lines: [error.message, ...errors.map((e) => `  line ${e.line}: ${e.message}`)] };
  }
}
