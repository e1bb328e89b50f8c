import type { ResultBucket } from '@cagnotte/shared';

export type ResultGroupId = 'funded' | 'board' | 'open' | 'notFunded' | 'out';
const GROUP: Record<ResultBucket['status'], ResultGroupId | null> = {
  funded: 'funded',
  completed: 'funded',
  awaiting_board: 'board',
  open: 'open',
  not_funded: 'notFunded',
  withdrawn: 'out',
  rejected: 'out',
  merged: 'out',
  draft: null,
  proposed: null,
};
const ORDER: ResultGroupId[] = ['funded', 'board', 'open', 'notFunded', 'out'];

/** The results as a board reads them: what goes ahead, what the board decides, what did not make it; most funded first. */
export function resultGroups(buckets: readonly ResultBucket[]) {
  return ORDER.map((id) => ({
    id,
    buckets: buckets.filter((b) => GROUP[b.status] === id).sort((a, b) => b.fundedCents - a.fundedCents || a.title.localeCompare(b.title)),
  })).filter((group) => group.buckets.length > 0);
}
