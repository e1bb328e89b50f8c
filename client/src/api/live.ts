import { LiveBoard } from '@cagnotte/shared';
import { path, request } from './http.ts';

export const liveApi = {
  /** Every project's funding as the socket's snapshot would give it. */
  board: (roundId: string) => request(LiveBoard, 'GET', path`/api/rounds/${roundId}/board`),
};
