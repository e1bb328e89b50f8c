import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { BucketDetail } from '@cagnotte/shared';
import { buckets, rounds } from '../../db/schema.ts';
import type { Actor, Bucket } from '../../domain/model.ts';
import { conflict, notFound } from '../../domain/errors.ts';
import { recordDecision } from '../decisions/record.ts';
import type { BucketDeps } from './deps.ts';
import { bucketUrl, proposerMail, tellProposers } from './mail.ts';
import { loadDetail } from './queries.ts';
import { acceptsProposals, TRANSITIONS } from './rules.ts';
import { applyTransition, authorizeTransition } from './transitions.ts';

export type MergeService = ReturnType<typeof makeMergeService>;

/** A merge target must still be alive: it takes the source's people and discussion. */
const TARGETS = TRANSITIONS.merge.from;

/**
 * Folds one bucket into a similar one of the same round, before any money is in the source:
 * the source becomes `merged` (pointing at the target), its accepted proposers become accepted
 * proposers of the target, and its comments move to the target.
 */
export function makeMergeService({ db, now, changes, publicUrl }: BucketDeps) {
  return {
    async merge(actor: Actor, source: Bucket, intoBucketId: string, reason: string): Promise<BucketDetail> {
      if (intoBucketId === source.id) throw conflict('merge_into_itself', 'A bucket cannot be merged into itself.');
      await authorizeTransition(db, actor, source, 'merge');
      const target = await db.transaction(async (tx) => {
        // Both rows locked, in id order, so two opposite merges cannot deadlock.
        const locked = await tx
          .select({ bucket: buckets, round: rounds })
          .from(buckets)
          .innerJoin(rounds, eq(rounds.id, buckets.roundId))
          .where(inArray(buckets.id, [source.id, intoBucketId]))
          .orderBy(asc(buckets.id))
          .for('update', { of: buckets });
        const into = locked.find((row) => row.bucket.id === intoBucketId);
        const from = locked.find((row) => row.bucket.id === source.id);
        if (!from) throw notFound('bucket');
        if (!into || into.round.organisationId !== actor.organisationId) throw notFound('target bucket');
        if (into.bucket.roundId !== from.bucket.roundId) throw conflict('different_rounds', 'Only buckets of the same round can be merged.');
        if (!acceptsProposals(from.round)) {
          throw conflict('too_late_to_merge', `This round is in its ${from.round.phase} phase; buckets can only be merged before funding.`, { phase: from.round.phase });
        }
        if (!TARGETS.includes(into.bucket.status)) {
          throw conflict('merge_target_not_active', `The target bucket is ${into.bucket.status}; merge into a draft, proposed or open one.`, { targetStatus: into.bucket.status });
        }
        if (from.bucket.fundedCents > 0) {
          throw conflict('bucket_has_funds', 'Members already put money into this bucket; it can no longer be merged.', { fundedCents: from.bucket.fundedCents });
        }

        await applyTransition(tx, {
          bucketId: source.id,
          action: 'merge',
          statusReason: reason,
          now: now(),
          set: { mergedIntoId: intoBucketId },
          guard: eq(buckets.fundedCents, 0),
        });
        // An accepted proposer of the source is an accepted proposer of the target, even if only invited there.
        const added = await tx.execute(sql`
          INSERT INTO bucket_proposers (bucket_id, membership_id, status, invited_by, invited_at, responded_at)
          SELECT ${intoBucketId}, membership_id, 'accepted', ${actor.membershipId}, ${now()}, ${now()}
          FROM bucket_proposers WHERE bucket_id = ${source.id} AND status = 'accepted'
          ON CONFLICT (bucket_id, membership_id) DO UPDATE SET status = 'accepted', responded_at = EXCLUDED.responded_at
            WHERE bucket_proposers.status <> 'accepted'
          RETURNING membership_id`);
        const moved = await tx.execute(sql`UPDATE comments SET bucket_id = ${intoBucketId} WHERE bucket_id = ${source.id} RETURNING id`);
        await recordDecision(tx, {
          roundId: source.roundId,
          bucketId: source.id,
          kind: 'bucket_merged',
          actorId: actor.membershipId,
          reason,
          data: { intoBucketId, addedProposers: added.rows.length, movedComments: moved.rows.length },
        });
        await tellProposers(tx, {
          bucketIds: [source.id],
          message: proposerMail.merged({ title: source.title, intoTitle: into.bucket.title, reason, url: bucketUrl(publicUrl, intoBucketId) }),
        });
        return into.bucket;
      });
      changes.emit({ roundId: source.roundId, bucketIds: [source.id, target.id] });
      return loadDetail(db, source.id);
    },
  };
}
