import { CriterionList, DecisionPage, LiveBoard, MyRound, Round, RoundReceipt, RoundResults } from '@cagnotte/shared';
import { path, request } from './http.ts';

export const roundsApi = {
  get: (roundId: string) => request(Round, 'GET', path`/api/rounds/${roundId}`),
  board: (roundId: string) => request(LiveBoard, 'GET', path`/api/rounds/${roundId}/board`),
  /** My balance and my allocation per project. */
  mine: (roundId: string) => request(MyRound, 'GET', path`/api/rounds/${roundId}/me`),
  decisions: (roundId: string, page: { before?: string; beforeId?: string; limit?: number } = {}) =>
    request(DecisionPage, 'GET', path`/api/rounds/${roundId}/decisions`, { query: page }),
  criteria: (roundId: string) => request(CriterionList, 'GET', path`/api/rounds/${roundId}/criteria`),
  results: (roundId: string) => request(RoundResults, 'GET', path`/api/rounds/${roundId}/results`),
  receipt: (roundId: string) => request(RoundReceipt, 'GET', path`/api/rounds/${roundId}/receipt`),
};
