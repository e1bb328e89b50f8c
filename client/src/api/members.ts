import type { z } from 'zod';
import { ImportReport, Member, MemberList, type MemberPatch, type NewMember } from '@cagnotte/shared';
import { path, request } from './http.ts';

export const membersApi = {
  list: (orgId: string, query: { active?: boolean; limit?: number } = {}) => request(MemberList, 'GET', path`/api/orgs/${orgId}/members`, { query }),
  add: (orgId: string, member: z.input<typeof NewMember>) => request(Member, 'POST', path`/api/orgs/${orgId}/members`, { body: member }),
  /** All lines or none: a refusal is an ApiError whose problem lists `errors` by line number. */
  import: (orgId: string, csv: string) => request(ImportReport, 'POST', path`/api/orgs/${orgId}/members/import`, { rawBody: { contentType: 'text/csv', text: csv } }),
  update: (orgId: string, membershipId: string, patch: MemberPatch) => request(Member, 'PATCH', path`/api/orgs/${orgId}/members/${membershipId}`, { body: patch }),
  erase: (orgId: string, membershipId: string) => request(Member, 'POST', path`/api/orgs/${orgId}/members/${membershipId}/erase`),
};
