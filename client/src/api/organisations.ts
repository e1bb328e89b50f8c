import { Organisation, RoundList } from '@cagnotte/shared';
import { path, request } from './http.ts';

export const organisationsApi = {
  get: (orgId: string) => request(Organisation, 'GET', path`/api/orgs/${orgId}`),
  rounds: (orgId: string) => request(RoundList, 'GET', path`/api/orgs/${orgId}/rounds`),
};
