import type { BallotInput, VoteSettingsInput } from '@cagnotte/shared';
import { MyBallot, PabulibImportReport, VoteResults, VoteSettings, VoterDistrict, VoterDistricts } from '@cagnotte/shared';
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
  voterDistricts: (roundId: string) => request(VoterDistricts, 'GET', path`/api/rounds/${roundId}/voter-districts`),
  setVoterDistrict: (roundId: string, membershipId: string, districtId: string | null) =>
    request(VoterDistrict, 'PUT', path`/api/rounds/${roundId}/voter-districts/${membershipId}`, { body: { districtId } }),
  setProjectDistrict: (bucketId: string, districtId: string | null) => request(VoteSettings, 'PUT', path`/api/buckets/${bucketId}/vote-district`, { body: { districtId } }),
  /** The file's text as sent, UTF-8: the server parses it and names the line of an error. */
  importPabulib: (roundId: string, text: string) => request(PabulibImportReport, 'POST', path`/api/rounds/${roundId}/vote/pabulib`, { rawBody: { contentType: 'text/plain', text } }),
  /** A plain GET with the session cookie: the browser downloads the .pb file itself (`<a download>`). */
  pabulibUrl: (roundId: string, district?: string) => `${path`/api/rounds/${roundId}/pabulib`}${district ? `?district=${encodeURIComponent(district)}` : ''}`,
  /** The accountant's files: a plain GET with the session cookie, downloaded by the browser (`<a download>`). */
  fileUrl: (roundId: string, file: 'selection.csv' | 'shares.csv') => `${path`/api/rounds/${roundId}/vote`}/${file}`,
};
