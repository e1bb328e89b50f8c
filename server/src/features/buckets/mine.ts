import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { MyBucketList } from '@cagnotte/shared';
import { bucketProposers, buckets, memberships, organisations, rounds } from '../../db/schema.ts';
import type { BucketDeps } from './deps.ts';
import { toSummary } from './queries.ts';

export type MineService = ReturnType<typeof makeMineService>;

/**
 * The projects a person carries or is invited to carry, across every round of every organisation
 * where they are an active member; a deactivated membership's projects are not theirs to see.
 */
export function makeMineService({ db }: Pick<BucketDeps, 'db'>) {
  return {
    async list(personId: string): Promise<MyBucketList> {
      const accepted = sql<number>`(select count(*)::int from ${bucketProposers} as others
        where others.bucket_id = ${buckets.id} and others.status = 'accepted')`;
      const rows = await db
        .select({
          bucket: buckets,
          myStatus: bucketProposers.status,
          accepted,
          roundTitle: rounds.title,
          currency: rounds.currency,
          minCoProposers: rounds.minCoProposers,
          nearlyFundedPercent: rounds.nearlyFundedPercent,
          organisationId: organisations.id,
          organisationName: organisations.name,
        })
        .from(bucketProposers)
        .innerJoin(memberships, and(eq(memberships.id, bucketProposers.membershipId), eq(memberships.personId, personId), eq(memberships.active, true)))
        .innerJoin(buckets, eq(buckets.id, bucketProposers.bucketId))
        .innerJoin(rounds, eq(rounds.id, buckets.roundId))
        .innerJoin(organisations, eq(organisations.id, rounds.organisationId))
        .where(inArray(bucketProposers.status, ['invited', 'accepted']))
        .orderBy(desc(buckets.updatedAt), desc(buckets.id));
      return {
        buckets: rows.map((row) => ({
          ...toSummary(row.bucket, row.nearlyFundedPercent),
          roundTitle: row.roundTitle,
          currency: row.currency,
          organisationId: row.organisationId,
          organisationName: row.organisationName,
          myStatus: row.myStatus === 'invited' ? 'invited' : 'accepted',
          acceptedProposers: row.accepted,
          minCoProposers: row.minCoProposers,
        })),
      };
    },
  };
}
