import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { organisations, setupLinks } from '../../db/schema.ts';

/** Serialises everything that asks "is there an organisation yet?" and acts on the answer. */
export async function lockFirstRun(tx: Executor): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended('cagnotte:first-run', 0))`);
}

export async function anyOrganisation(ex: Executor): Promise<boolean> {
  const [row] = await ex.select({ id: organisations.id }).from(organisations).limit(1);
  return row !== undefined;
}

export async function setupLinkByHash(ex: Executor, tokenHash: string) {
  const [row] = await ex.select().from(setupLinks).where(eq(setupLinks.tokenHash, tokenHash));
  return row;
}

/** A newer link replaces the older ones: only the last one printed works. */
export async function expireOpenSetupLinks(ex: Executor, at: Date): Promise<void> {
  await ex.update(setupLinks).set({ expiresAt: at }).where(and(isNull(setupLinks.usedAt), gt(setupLinks.expiresAt, at)));
}

export async function insertSetupLink(ex: Executor, values: { tokenHash: string; expiresAt: Date }): Promise<void> {
  await ex.insert(setupLinks).values(values);
}

/** Single use: the conditional update lets exactly one request through. */
export async function useSetupLink(ex: Executor, tokenHash: string, at: Date): Promise<boolean> {
  const used = await ex
    .update(setupLinks)
    .set({ usedAt: at })
    .where(and(eq(setupLinks.tokenHash, tokenHash), isNull(setupLinks.usedAt), gt(setupLinks.expiresAt, at)))
    .returning({ id: setupLinks.id });
  return used.length > 0;
}
