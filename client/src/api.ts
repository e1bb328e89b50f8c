import type { z } from 'zod';
import type { OpenProjectorSession } from '@cagnotte/shared';
import { authApi } from './api/auth.ts';
import { projectorApi } from './api/projector.ts';
import { liveApi } from './api/live.ts';

export { ApiError } from './api/http.ts';

/** What the projector and the session store call; every reply is parsed with its shared schema (see api/). */
export const api = {
  requestMagicLink: authApi.requestMagicLink,
  openSession: authApi.openSession,
  me: authApi.me,
  signOut: authApi.signOut,
  openProjectorSession: (body: z.input<typeof OpenProjectorSession>) => projectorApi.openSession(body),
  board: liveApi.board,
};
