import { SETUP_TOKEN_HEADER, SessionOpened, SetupStatus, type SetupRequest } from '@cagnotte/shared';
import { request } from './http.ts';

/** The first run: check the setup link, then create the organisation and its first admin. */
export const setupApi = {
  /** The token goes in a header, never in the URL (so never in a log). */
  status: (token: string) => request(SetupStatus, 'GET', '/api/setup', { headers: { [SETUP_TOKEN_HEADER]: token } }),
  complete: (setup: SetupRequest) => request(SessionOpened, 'POST', '/api/setup', { body: setup }),
};
