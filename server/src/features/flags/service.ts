import type { BucketFlags, CriterionFlag, FlagAnswer, RoundBucketFlags, RoundFlags, RoundFlagsState } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import type { Actor, Bucket, Round } from '../../domain/model.ts';
import { badRequest, conflict, forbidden, notFound } from '../../domain/errors.ts';
import { renderMarkdown } from '../../http/markdown.ts';
import { isAcceptedProposer } from '../buckets/queries.ts';
import { canSeeDraft } from '../buckets/rules.ts';
import { assertDiscussionOpen } from '../comments/rules.ts';
import { memberName } from '../members/queries.ts';
import {
  answersOfFlags,
  deleteFlag,
  existingFlagId,
  flagById,
  flagCountsByCriterion,
  flagCountsInRound,
  flagsOfBuckets,
  flagsOfBucket,
  insertAnswer,
  insertFlag,
  isCriterionOfRound,
  proposerStatusesInRound,
  type AnswerRow,
  type FlagRow,
} from './queries.ts';
import { canAnswerFlag, flagVisibility } from './rules.ts';

function toAnswer(row: AnswerRow, authorName: string): FlagAnswer {
  return {
    id: row.id,
    flagId: row.flagId,
    author: { membershipId: row.authorId, name: authorName },
    body: row.body,
    bodyHtml: renderMarkdown(row.body),
    createdAt: row.createdAt.toISOString(),
  };
}

function toFlag(row: FlagRow, authorName: string, viewer: Actor, answers: FlagAnswer[]): CriterionFlag {
  return {
    id: row.id,
    bucketId: row.bucketId,
    criterionId: row.criterionId,
    author: { membershipId: row.authorId, name: authorName },
    reason: row.reason,
    reasonHtml: renderMarkdown(row.reason),
    createdAt: row.createdAt.toISOString(),
    mine: row.authorId === viewer.membershipId,
    answers,
  };
}

export type FlagsService = ReturnType<typeof makeFlagsService>;

export function makeFlagsService({ db, now }: { db: Db; now: () => Date }) {
  async function loadFlag(flagId: string): Promise<FlagRow> {
    const row = await flagById(db, flagId);
    if (!row) throw notFound('flag');
    return row;
  }

  async function answersTo(flagIds: string[]): Promise<Map<string, FlagAnswer[]>> {
    const byFlag = new Map<string, FlagAnswer[]>();
    for (const { answer, authorName } of await answersOfFlags(db, flagIds)) {
      const list = byFlag.get(answer.flagId) ?? [];
      list.push(toAnswer(answer, authorName));
      byFlag.set(answer.flagId, list);
    }
    return byFlag;
  }

  return {
    /** What the caller may see of the bucket's flags: see `flagVisibility`. */
    async list(actor: Actor, bucket: Bucket): Promise<BucketFlags> {
      const visibility = flagVisibility({ role: actor.role, isProposer: await isAcceptedProposer(db, bucket.id, actor.membershipId) });
      const grid = await flagCountsByCriterion(db, bucket);
      const rows = await flagsOfBucket(db, bucket.id, visibility === 'all' ? undefined : actor.membershipId);
      const answers = await answersTo(rows.map((r) => r.flag.id));
      return {
        visibility,
        criteria: grid,
        flags: rows.map((r) => toFlag(r.flag, r.authorName, actor, answers.get(r.flag.id) ?? [])),
      };
    },

    /**
     * A round's flags in one read, bucket by bucket, each with the visibility `list` gives it; drafts
     * the caller may not see are left out, as they are from the round's list.
     */
    async listRound(actor: Actor, round: Round, state: RoundFlagsState): Promise<RoundFlags> {
      const counts = await flagCountsInRound(db, round.id, state);
      const mine = await proposerStatusesInRound(db, round.id, actor.membershipId);
      const byBucket = new Map<string, Omit<RoundBucketFlags, 'flags'>>();
      for (const row of counts) {
        const proposer = mine.get(row.bucketId) ?? null;
        if (row.status === 'draft' && !canSeeDraft(actor.role, proposer)) continue;
        const entry = byBucket.get(row.bucketId) ?? {
          bucketId: row.bucketId,
          title: row.title,
          status: row.status,
          visibility: flagVisibility({ role: actor.role, isProposer: proposer === 'accepted' }),
          criteria: [],
        };
        entry.criteria.push({ criterionId: row.criterionId, position: row.position, title: row.criterionTitle, flags: row.flags });
        byBucket.set(row.bucketId, entry);
      }
      const entries = [...byBucket.values()];
      const rows = await flagsOfBuckets(db, {
        everyFlagOf: entries.filter((e) => e.visibility === 'all').map((e) => e.bucketId),
        ownFlagsOf: entries.filter((e) => e.visibility === 'own').map((e) => e.bucketId),
        authorId: actor.membershipId,
      });
      const answers = await answersTo(rows.map((r) => r.flag.id));
      const flagsBy = new Map<string, CriterionFlag[]>();
      for (const { flag, authorName } of rows) {
        const list = flagsBy.get(flag.bucketId) ?? [];
        list.push(toFlag(flag, authorName, actor, answers.get(flag.id) ?? []));
        flagsBy.set(flag.bucketId, list);
      }
      return { state, buckets: entries.map((entry) => ({ ...entry, flags: flagsBy.get(entry.bucketId) ?? [] })) };
    },

    async raise(actor: Actor, bucket: Bucket, input: { criterionId: string; reason: string }): Promise<CriterionFlag> {
      assertDiscussionOpen(bucket);
      if (!(await isCriterionOfRound(db, input.criterionId, bucket.roundId))) {
        // Same answer for a criterion of another round and one that does not exist: nothing leaks.
        const message = "is not a criterion of this bucket's round";
        throw badRequest('criterion_not_in_round', `criterionId ${message}.`, { errors: [{ path: 'body.criterionId', message }] });
      }
      const key = { bucketId: bucket.id, criterionId: input.criterionId, authorId: actor.membershipId };
      const row = await insertFlag(db, { ...key, reason: input.reason, createdAt: now() });
      if (!row) {
        const flagId = await existingFlagId(db, key);
        throw conflict('already_flagged', 'You already flagged this bucket on this criterion; withdraw that flag to raise another.', { flagId });
      }
      return toFlag(row, await memberName(db, actor.membershipId), actor, []);
    },

    /** The bucket a flag belongs to, for the permission check. */
    async bucketOf(flagId: string): Promise<string> {
      return (await loadFlag(flagId)).bucketId;
    },

    /** The author takes the flag back, with the answers it drew. */
    async withdraw(actor: Actor, flagId: string): Promise<void> {
      const flag = await loadFlag(flagId);
      if (flag.authorId !== actor.membershipId) throw forbidden('Only its author can withdraw a flag.');
      await deleteFlag(db, flagId, actor.membershipId);
    },

    async answer(actor: Actor, bucket: Bucket, flagId: string, body: string): Promise<FlagAnswer> {
      await loadFlag(flagId);
      if (!canAnswerFlag({ role: actor.role, isProposer: await isAcceptedProposer(db, bucket.id, actor.membershipId) })) {
        throw forbidden("Only the bucket's proposers, reviewers and admins answer flags.");
      }
      assertDiscussionOpen(bucket);
      const row = await insertAnswer(db, { flagId, authorId: actor.membershipId, body, createdAt: now() });
      return toAnswer(row, await memberName(db, actor.membershipId));
    },
  };
}
