type RoundState = { kind: 'one_off' | 'permanent' | 'vote'; phase: 'draft' | 'proposals' | 'funding' | 'closed' };
export type Refusal = { code: string; detail: string };

/** Why a round cannot be closed now, or null. The conditional UPDATE remains the guard. */
export function closeRefusal(round: RoundState): Refusal | null {
  if (round.kind === 'permanent') return { code: 'permanent_round', detail: 'A permanent round never closes; end the funding of each project instead.' };
  if (round.kind === 'vote') return { code: 'vote_round', detail: 'A vote round closes with POST /api/rounds/:roundId/vote/close: its close counts the ballots.' };
  if (round.phase !== 'funding') return { code: 'round_not_funding', detail: `Only a round in funding can close; this one is ${round.phase}.` };
  return null;
}

export { shortfallOutcome } from '@cagnotte/shared';

/** Ending the funding of a project in a permanent round. */
export function endFundingRefusal(round: RoundState, bucket: { status: string; fundedCents: number; minCents: number }): Refusal | null {
  if (round.kind !== 'permanent') return { code: 'not_permanent_round', detail: 'Only projects of a permanent round end their funding one by one; a one-off round closes.' };
  if (round.phase !== 'funding') return { code: 'round_not_funding', detail: `The round is ${round.phase}, not funding.` };
  if (bucket.status !== 'open') return { code: 'bucket_not_open', detail: `This project is ${bucket.status}, not open for funding.` };
  if (bucket.fundedCents < bucket.minCents) return { code: 'minimum_not_reached', detail: 'A project can end its funding only once it reached its minimum.' };
  return null;
}
