import type { z } from 'zod';
import { Organisation, Round, RoundList, type NewRound, type OrganisationPatch } from '@cagnotte/shared';
import { path, request } from './http.ts';

export const organisationsApi = {
  get: (orgId: string) => request(Organisation, 'GET', path`/api/orgs/${orgId}`),
  update: (orgId: string, patch: OrganisationPatch) => request(Organisation, 'PATCH', path`/api/orgs/${orgId}`, { body: patch }),
  rounds: (orgId: string) => request(RoundList, 'GET', path`/api/orgs/${orgId}/rounds`),
  createRound: (orgId: string, round: z.input<typeof NewRound>) => request(Round, 'POST', path`/api/orgs/${orgId}/rounds`, { body: round }),
};
