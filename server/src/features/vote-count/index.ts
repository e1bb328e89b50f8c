/** The counting of vote rounds (issue 14): pure, no I/O. */
export { countVotes } from './count.ts';
export { CountInputError, type CountInputErrorCode } from './election.ts';
export { toJson, type Jsonified } from './json.ts';
export {
  TIE_BREAK,
  type Ballot,
  type CountRule,
  type Election,
  type MesDetails,
  type Outcome,
  type ProjectResult,
  type Ratio,
  type Reason,
  type Spending,
  type Tie,
  type TieBreak,
  type VoterShare,
} from './types.ts';
