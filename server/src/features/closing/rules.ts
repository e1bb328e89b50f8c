type RoundState = { kind: 'one_off' | 'permanent' | 'vote'; phase: 'draft' | 'proposals' | 'funding' | 'closed' };
export type Refusal = { code: string; detail: string };

/** Why a round cannot be closed now, or null. The conditional UPDATE remains the guard. */
export function closeRefusal(round: RoundState): Refusal | null {
  if (round.kind === 'permanent') return { code: 'permanent_round', detail: 'A permanent round never closes; end the funding of each project instead.' };
  if (round.kind === 'vote') return { code: 'vote_round', detail: 'A vote round closes with POST /api/rounds/:roundId/vote/close: its close counts the ballots.' };
  if (round.phase !== 'funding') return { code: 'round_not_funding', detail: `Only a round in funding can close; this one is ${round.phase}.` };
  return null;
}

export { endFundingRefusal, shortfallOutcome } from '@cagnotte/shared';
