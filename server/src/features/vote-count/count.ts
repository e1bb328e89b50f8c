import { indexElection } from './election.ts';
import { countMes } from './mes.ts';
import { greedyOutcome } from './outcome.ts';
import type { CountRule, Election, Outcome } from './types.ts';

/**
 * Counts a vote under a rule: which projects are funded, in which order, and why each one is
 * or is not, with exact figures. Pure and deterministic: the same election and rule give the
 * same outcome, whatever the order of the ballots' voters. Throws CountInputError on an
 * election that cannot be counted (unknown project, duplicate voter, negative points…).
 */
export function countVotes(election: Election, rule: CountRule): Outcome {
  const ix = indexElection(election);
  if (rule.kind === 'greedy') return greedyOutcome(ix, rule);
  return countMes(ix, rule);
}
