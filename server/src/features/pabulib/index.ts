/** Pabulib .pb files in and out (issue 14): pure, no I/O. Costs and budget are cents here. */
export {
  centsToUnits,
  parsePb,
  pbDistrict,
  pbElection,
  PbParseError,
  unitsToCents,
  writePb,
  type PbInstance,
  type PbProject,
  type PbVote,
  type PbVoteType,
} from './pb.ts';
