import { z } from 'zod';
import {
  AllocationResult,
  AllowanceList,
  Criterion,
  CreatedProjectorLink,
  GrantResult,
  ImportReport,
  MemberAllowance,
  ProjectorLink,
  ReturnedAllocations,
  Round,
  RoundResults,
  SettledBucket,
  type BoardDecision,
  type NewGrant,
  type ReturnAllocations,
  type RoundPatch,
  type RoundPhase,
} from '@cagnotte/shared';
import { path, request, requestNothing } from './http.ts';

/** What admins do to a round: settings, phases, grid, allowances, paper ballots, projector, close. */
export const roundAdminApi = {
  update: (roundId: string, patch: RoundPatch) => request(Round, 'PATCH', path`/api/rounds/${roundId}`, { body: patch }),
  movePhase: (roundId: string, phase: RoundPhase) => request(Round, 'POST', path`/api/rounds/${roundId}/phase`, { body: { phase } }),
  addCriterion: (roundId: string, criterion: { title: string; description?: string }) => request(Criterion, 'POST', path`/api/rounds/${roundId}/criteria`, { body: criterion }),
  removeCriterion: (criterionId: string) => requestNothing('DELETE', path`/api/criteria/${criterionId}`),
  allowances: (roundId: string) => request(AllowanceList, 'GET', path`/api/rounds/${roundId}/allowances`),
  setAllowance: (roundId: string, membershipId: string, amountCents: number) =>
    request(MemberAllowance, 'PUT', path`/api/rounds/${roundId}/allowances/${membershipId}`, { body: { amountCents } }),
  resetAllowance: (roundId: string, membershipId: string) => requestNothing('DELETE', path`/api/rounds/${roundId}/allowances/${membershipId}`),
  importAllowances: (roundId: string, csv: string) =>
    request(ImportReport, 'POST', path`/api/rounds/${roundId}/allowances/import`, { rawBody: { contentType: 'text/csv', text: csv } }),
  grant: (roundId: string, grant: NewGrant) => request(GrantResult, 'POST', path`/api/rounds/${roundId}/grants`, { body: grant }),
  /** A paper ballot: staff set a member's amount on a project, recorded as entered on their behalf. */
  allocateFor: (bucketId: string, memberId: string, amountCents: number, idempotencyKey: string) =>
    request(AllocationResult, 'PUT', path`/api/buckets/${bucketId}/allocation`, { body: { amountCents, memberId }, headers: { 'idempotency-key': idempotencyKey } }),
  projectorLinks: (roundId: string) => request(z.array(ProjectorLink), 'GET', path`/api/rounds/${roundId}/projector-links`),
  createProjectorLink: (roundId: string, label: string) => request(CreatedProjectorLink, 'POST', path`/api/rounds/${roundId}/projector-links`, { body: { label } }),
  revokeProjectorLink: (id: string) => requestNothing('DELETE', path`/api/projector-links/${id}`),
  close: (roundId: string) => request(RoundResults, 'POST', path`/api/rounds/${roundId}/close`),
  /** A deactivated member's money back from the round's projects to their allowance (what is not committed). */
  returnAllocations: (roundId: string, membershipId: string, body: ReturnAllocations) =>
    request(ReturnedAllocations, 'POST', path`/api/rounds/${roundId}/participants/${membershipId}/return-allocations`, { body }),
  boardDecision: (bucketId: string, decision: BoardDecision) => request(SettledBucket, 'POST', path`/api/buckets/${bucketId}/board-decision`, { body: decision }),
};
