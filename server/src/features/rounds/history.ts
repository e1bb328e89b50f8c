import { and, desc, eq, sql } from 'drizzle-orm';
import type { DecisionPage, DecisionQuery } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import { buckets, decisions, memberships, people } from '../../db/schema.ts';

// Replies carry milliseconds; PostgreSQL keeps microseconds. Comparing and ordering on the
// truncated instant, then the id, makes `before`/`beforeId` an exact cursor.
const createdMs = sql`date_trunc('milliseconds', ${decisions.createdAt})`;

/** A round's public history, newest first, a page at a time. */
export async function listDecisions(db: Db, roundId: string, query: DecisionQuery): Promise<DecisionPage> {
  const cursor = query.before
    ? query.beforeId
      ? sql`(${createdMs}, ${decisions.id}) < (${query.before}::timestamptz, ${query.beforeId}::uuid)`
      : sql`${createdMs} < ${query.before}::timestamptz`
    : undefined;
  const rows = await db
    .select({
      id: decisions.id,
      kind: decisions.kind,
      actorId: decisions.actorId,
      actorName: memberships.name,
      bucketId: decisions.bucketId,
      bucketTitle: buckets.title,
      reason: decisions.reason,
      data: decisions.data,
      createdAt: decisions.createdAt,
    })
    .from(decisions)
    .leftJoin(memberships, eq(memberships.id, decisions.actorId))
    .leftJoin(people, eq(people.id, memberships.personId))
    .leftJoin(buckets, eq(buckets.id, decisions.bucketId))
    .where(and(eq(decisions.roundId, roundId), cursor))
    .orderBy(desc(createdMs), desc(decisions.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    decisions: page.map((row) => ({
      id: row.id,
      kind: row.kind,
      actor: row.actorId ? { membershipId: row.actorId, name: row.actorName ?? '' } : null,
      bucket: row.bucketId ? { id: row.bucketId, title: row.bucketTitle ?? '' } : null,
      reason: row.reason,
      data: row.data,
      createdAt: row.createdAt.toISOString(),
    })),
    next: rows.length > query.limit && last ? { before: last.createdAt.toISOString(), beforeId: last.id } : null,
  };
}
