import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { memberships, participants, rounds } from '../../db/schema.ts';
import { activeMembershipOf } from '../../http/access.ts';
import { sessionLive } from '../../http/auth-plugin.ts';

/**
 * `GET /api/rounds/:id/me` in one prepared statement, `my_round`: the round and the caller's
 * access to it (as `access.roundRead` needs), their participant row if they take part, and its
 * non-zero allocations, oldest change first. Every page of a round asks it.
 */
export function prepareMyRound(db: Db) {
  return db
    .select({
      round: { organisationId: rounds.organisationId },
      membership: { id: memberships.id, role: memberships.role },
      sessionLive,
      participant: {
        allowanceCents: participants.allowanceCents,
        allocatedCents: participants.allocatedCents,
        remainingCents: participants.remainingCents,
        version: participants.version,
      },
      allocations: sql<{ bucketId: string; amountCents: number }[]>`coalesce((
        select json_agg(json_build_object('bucketId', a.bucket_id, 'amountCents', a.amount_cents) order by a.updated_at)
        from allocations a where a.participant_id = "participants"."id" and a.amount_cents > 0), '[]'::json)`,
    })
    .from(rounds)
    .leftJoin(memberships, activeMembershipOf(rounds.organisationId))
    .leftJoin(participants, and(eq(participants.roundId, rounds.id), eq(participants.membershipId, memberships.id)))
    .where(eq(rounds.id, sql.placeholder('roundId')))
    .prepare('my_round');
}

export type MyRoundRow = Awaited<ReturnType<ReturnType<typeof prepareMyRound>['execute']>>[number];
