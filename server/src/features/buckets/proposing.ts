import { and, asc, count, eq, ne, or, sql } from 'drizzle-orm';
import { budgetTotals, type BucketDetail, type BucketList, type BucketStatus, type NewBucket } from '@cagnotte/shared';
import type { Executor } from '../../db/client.ts';
import { bucketProposers, buckets, rounds } from '../../db/schema.ts';
import type { Actor, Bucket, Round } from '../../domain/model.ts';
import { conflict, notFound } from '../../domain/errors.ts';
import { recordDecision } from '../decisions/record.ts';
import type { BucketDeps } from './deps.ts';
import { assertVisible, loadDetail, toSummary } from './queries.ts';
import { acceptsProposals, proposeTarget } from './rules.ts';
import { applyTransition, authorizeTransition, endWithMoneyBack } from './transitions.ts';

export type ProposingService = ReturnType<typeof makeProposingService>;

async function lockRound(tx: Executor, roundId: string): Promise<Round> {
  // FOR SHARE: a phase change waits for this proposal to land, and then sees it.
  const [round] = await tx.select().from(rounds).where(eq(rounds.id, roundId)).for('share');
  if (!round) throw notFound('round');
  if (!acceptsProposals(round)) {
    throw conflict('round_not_accepting_proposals', `This round is in its ${round.phase} phase and takes no proposals now.`, { phase: round.phase });
  }
  return round;
}

export async function acceptedCount(ex: Executor, bucketId: string): Promise<number> {
  const [row] = await ex
    .select({ n: count() })
    .from(bucketProposers)
    .where(and(eq(bucketProposers.bucketId, bucketId), eq(bucketProposers.status, 'accepted')));
  return row?.n ?? 0;
}

/** Locks the bucket row: proposer changes and proposing a bucket are serialised per bucket. */
export async function lockBucket(tx: Executor, bucketId: string): Promise<Bucket> {
  const [bucket] = await tx.select().from(buckets).where(eq(buckets.id, bucketId)).for('update');
  if (!bucket) throw notFound('bucket');
  return bucket;
}

export function makeProposingService({ db, now, changes }: BucketDeps) {
  return {
    /** A new project starts as a draft, carried by its author. */
    async create(actor: Actor, roundId: string, input: NewBucket): Promise<BucketDetail> {
      const bucketId = await db.transaction(async (tx) => {
        await lockRound(tx, roundId);
        const at = now();
        const [bucket] = await tx
          .insert(buckets)
          .values({
            roundId,
            title: input.title,
            summary: input.summary,
            description: input.description,
            tags: input.tags,
            imageUrl: input.imageUrl ?? null,
            budgetLines: input.budgetLines,
            ...budgetTotals(input.budgetLines),
            createdBy: actor.membershipId,
            createdAt: at,
            updatedAt: at,
          })
          .returning({ id: buckets.id });
        if (!bucket) throw new Error('bucket insert returned nothing');
        await tx.insert(bucketProposers).values({
          bucketId: bucket.id,
          membershipId: actor.membershipId,
          status: 'accepted',
          invitedBy: actor.membershipId,
          invitedAt: at,
          respondedAt: at,
        });
        return bucket.id;
      });
      return loadDetail(db, bucketId);
    },

    async list(actor: Actor, round: Round, status?: BucketStatus): Promise<BucketList> {
      const staff = actor.role === 'admin' || actor.role === 'reviewer';
      const mine = sql`exists (select 1 from ${bucketProposers} where ${bucketProposers.bucketId} = ${buckets.id}
        and ${bucketProposers.membershipId} = ${actor.membershipId} and ${bucketProposers.status} in ('invited', 'accepted'))`;
      const rows = await db
        .select()
        .from(buckets)
        .where(and(eq(buckets.roundId, round.id), status ? eq(buckets.status, status) : undefined, staff ? undefined : or(ne(buckets.status, 'draft'), mine)))
        .orderBy(asc(buckets.createdAt), asc(buckets.id));
      return { buckets: rows.map((bucket) => toSummary(bucket, round.nearlyFundedPercent)) };
    },

    async get(actor: Actor, bucket: Bucket): Promise<BucketDetail> {
      await assertVisible(db, actor, bucket);
      return loadDetail(db, bucket.id);
    },

    /**
     * draft → proposed, once enough co-proposers accepted; straight to open where no approval is
     * needed and the round is already funding (a permanent round).
     */
    async propose(actor: Actor, bucket: Bucket): Promise<BucketDetail> {
      await authorizeTransition(db, actor, bucket, 'propose');
      await db.transaction(async (tx) => {
        const round = await lockRound(tx, bucket.roundId);
        await lockBucket(tx, bucket.id);
        const accepted = await acceptedCount(tx, bucket.id);
        if (accepted < round.minCoProposers) {
          throw conflict('not_enough_proposers', `This round needs ${round.minCoProposers} accepted proposers; this bucket has ${accepted}.`, {
            needed: round.minCoProposers,
            accepted,
          });
        }
        const moved = await applyTransition(tx, { bucketId: bucket.id, action: 'propose', to: proposeTarget(round), statusReason: null, now: now() });
        await recordDecision(tx, { roundId: round.id, bucketId: bucket.id, kind: 'bucket_proposed', actorId: actor.membershipId, data: { status: moved.status } });
      });
      changes.emit({ roundId: bucket.roundId, bucketIds: [bucket.id] });
      return loadDetail(db, bucket.id);
    },

    /**
     * By a proposer or an admin. An open bucket's money goes back to its members first, in the
     * same transaction, under the round's exclusive lock (so no allocation lands in between).
     */
    async withdraw(actor: Actor, bucket: Bucket, reason: string): Promise<BucketDetail> {
      await authorizeTransition(db, actor, bucket, 'withdraw');
      const returned = await db.transaction((tx) =>
        endWithMoneyBack(tx, { bucket, actor, action: 'withdraw', decision: 'bucket_withdrawn', reason, now: now() }),
      );
      changes.emit({ roundId: bucket.roundId, bucketIds: [bucket.id], membershipIds: returned.membershipIds });
      return loadDetail(db, bucket.id);
    },
  };
}
