import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { allocations, participants } from '../../db/schema.ts';

/**
 * The member's participant row in the round, if they take part in it, with its non-zero
 * allocations (oldest change first) — one prepared statement, `my_round`: every page of a
 * round asks it.
 */
export function prepareMyRound(db: Db) {
  return db
    .select({
      allowanceCents: participants.allowanceCents,
      allocatedCents: participants.allocatedCents,
      remainingCents: participants.remainingCents,
      version: participants.version,
      allocations: sql<{ bucketId: string; amountCents: number }[]>`coalesce((
        select json_agg(json_build_object('bucketId', ${allocations.bucketId}, 'amountCents', ${allocations.amountCents}) order by ${allocations.updatedAt})
        from ${allocations} where ${allocations.participantId} = ${participants.id} and ${allocations.amountCents} > 0), '[]'::json)`,
    })
    .from(participants)
    .where(and(eq(participants.roundId, sql.placeholder('roundId')), eq(participants.membershipId, sql.placeholder('membershipId'))))
    .prepare('my_round');
}
