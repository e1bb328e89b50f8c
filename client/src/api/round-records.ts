import { DecisionPage, RoundReceipt, RoundResults } from '@cagnotte/shared';
import { path, request } from './http.ts';

/** The round's public log and, after the close, its results and my receipt. */
export const roundRecordsApi = {
  decisions: (roundId: string, page: { before?: string; beforeId?: string; limit?: number } = {}) =>
    request(DecisionPage, 'GET', path`/api/rounds/${roundId}/decisions`, { query: page }),
  results: (roundId: string) => request(RoundResults, 'GET', path`/api/rounds/${roundId}/results`),
  receipt: (roundId: string) => request(RoundReceipt, 'GET', path`/api/rounds/${roundId}/receipt`),
};
