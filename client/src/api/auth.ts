import { z } from 'zod';
import { Me, SessionOpened, type MePatch } from '@cagnotte/shared';
import { request, requestNothing } from './http.ts';

export const authApi = {
  requestMagicLink: (email: string) => request(z.unknown(), 'POST', '/api/auth/magic-link', { body: { email } }),
  openSession: (token: string) => request(SessionOpened, 'POST', '/api/auth/session', { body: { token } }),
  me: () => request(Me, 'GET', '/api/auth/me'),
  /** The person's own language, kept on the server for every device; null follows the organisation's. */
  updateMe: (patch: MePatch) => request(Me, 'PATCH', '/api/auth/me', { body: patch }),
  signOut: () => requestNothing('DELETE', '/api/auth/session'),
};
