import type { Round } from '@cagnotte/shared';

/** A round's admin tabs, in their order. */
export const MANAGE_TABS = ['round-manage', 'round-manage-allowances', 'round-manage-ballots', 'round-manage-projector', 'round-manage-close'] as const;
export type ManageTab = (typeof MANAGE_TABS)[number];

/** A vote round's paper ballots and close are the vote's own pages (features/vote): its paper ballot and its count. */
const VOTE_PAGES: Partial<Record<ManageTab, string>> = { 'round-manage-ballots': 'vote-paper', 'round-manage-close': 'vote-results' };

/** Where an admin tab of this round leads. */
export function manageRoute(round: Pick<Round, 'id' | 'kind'>, tab: ManageTab) {
  return { name: (round.kind === 'vote' ? VOTE_PAGES[tab] : undefined) ?? tab, params: { roundId: round.id } };
}
