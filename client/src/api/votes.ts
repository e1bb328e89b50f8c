import type { BallotInput, VoteSettingsInput } from '@cagnotte/shared';
import { MyBallot, VoteResults, VoteSettings } from '@cagnotte/shared';
import type { z } from 'zod';
import { path, request } from './http.ts';

/** The vote round: its settings, my ballot, paper ballots, the close and its results. */
export const votesApi = {
  settings: (roundId: string) => request(VoteSettings, 'GET', path`/api/rounds/${roundId}/vote`),
  saveSettings: (roundId: string, body: z.input<typeof VoteSettingsInput>) => request(VoteSettings, 'PUT', path`/api/rounds/${roundId}/vote`, { body }),
  myBallot: (roundId: string) => request(MyBallot, 'GET', path`/api/rounds/${roundId}/ballot`),
  cast: (roundId: string, body: BallotInput) => request(MyBallot, 'PUT', path`/api/rounds/${roundId}/ballot`, { body }),
  memberBallot: (roundId: string, membershipId: string) => request(MyBallot, 'GET', path`/api/rounds/${roundId}/ballots/${membershipId}`),
  enterPaper: (roundId: string, membershipId: string, body: BallotInput) => request(MyBallot, 'PUT', path`/api/rounds/${roundId}/ballots/${membershipId}`, { body }),
  close: (roundId: string) => request(VoteResults, 'POST', path`/api/rounds/${roundId}/vote/close`),
  results: (roundId: string) => request(VoteResults, 'GET', path`/api/rounds/${roundId}/vote/results`),
  /** The accountant's files: a plain GET with the session cookie, downloaded by the browser (`<a download>`). */
  fileUrl: (roundId: string, file: 'selection.csv' | 'shares.csv') => `${path`/api/rounds/${roundId}/vote`}/${file}`,
};
