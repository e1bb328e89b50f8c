import type { BucketDeps } from './deps.ts';
import { makeEditingService } from './editing.ts';
import { makeMergeService } from './merge.ts';
import { makeMineService } from './mine.ts';
import { makeProposersService } from './proposers.ts';
import { makeProposingService } from './proposing.ts';
import { makeReviewService } from './review.ts';

export type BucketServices = ReturnType<typeof makeBucketServices>;

/** One service per concern: proposing, editing, co-proposers, review, merge, my projects. */
export function makeBucketServices(deps: BucketDeps) {
  return {
    proposing: makeProposingService(deps),
    editing: makeEditingService(deps),
    proposers: makeProposersService(deps),
    review: makeReviewService(deps),
    merge: makeMergeService(deps),
    mine: makeMineService(deps),
  };
}
