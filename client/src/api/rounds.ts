import { CriterionList, MyRound, Round } from '@cagnotte/shared';
import { path, request } from './http.ts';

/**
 * What the home and the round pages need. The board and the round's records have their own
 * modules (live.ts, round-records.ts) so their schemas load with their pages, not the home.
 */
export const roundsApi = {
  get: (roundId: string) => request(Round, 'GET', path`/api/rounds/${roundId}`),
  /** My balance and my allocation per project. */
  mine: (roundId: string) => request(MyRound, 'GET', path`/api/rounds/${roundId}/me`),
  criteria: (roundId: string) => request(CriterionList, 'GET', path`/api/rounds/${roundId}/criteria`),
};
