import { and, desc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { buckets, memberships, people, progressUpdates } from '../../db/schema.ts';

export type UpdateRow = typeof progressUpdates.$inferSelect;

/** A bucket's updates, newest first, with their authors' names. */
export function updatesOf(ex: Executor, bucketId: string) {
  return ex
    .select({ update: progressUpdates, authorName: memberships.name })
    .from(progressUpdates)
    .innerJoin(memberships, eq(memberships.id, progressUpdates.authorId))
    .innerJoin(people, eq(people.id, memberships.personId))
    .where(eq(progressUpdates.bucketId, bucketId))
    .orderBy(desc(progressUpdates.createdAt), desc(progressUpdates.id));
}

export async function insertUpdate(ex: Executor, values: { bucketId: string; authorId: string; body: string; link: string | null; createdAt: Date }): Promise<UpdateRow> {
  const [row] = await ex.insert(progressUpdates).values(values).returning();
  if (!row) throw new Error('progress insert returned nothing');
  return row;
}

/** funded → completed; undefined when the bucket was not (or no longer) funded. */
export async function completeFundedBucket(ex: Executor, bucketId: string, at: Date): Promise<{ id: string; roundId: string } | undefined> {
  const [row] = await ex
    .update(buckets)
    .set({ status: 'completed', updatedAt: at })
    .where(and(eq(buckets.id, bucketId), eq(buckets.status, 'funded')))
    .returning({ id: buckets.id, roundId: buckets.roundId });
  return row;
}

export async function bucketStatus(ex: Executor, bucketId: string): Promise<string | undefined> {
  const [row] = await ex.select({ status: buckets.status }).from(buckets).where(eq(buckets.id, bucketId));
  return row?.status;
}
