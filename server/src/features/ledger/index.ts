// The ledger: the one writer of money (README.md in this folder says what lives where). Other
// features import from here only.
export { allocateAs, type AllocateAsOutcome, type AllocateOutcome, type BucketRow, type ParticipantRow } from './allocate.ts';
export { grant, grantToMany, INITIAL_ALLOWANCE, openFunding, setAllowance, welcomeToFundingRounds } from './grants.ts';
export { lockRoundExclusive, lockRoundShared } from './locks.ts';
export { allocateMany, returnBucketAllocations, returnParticipantAllocations, type NewAllocation, type Returned } from './moves.ts';
