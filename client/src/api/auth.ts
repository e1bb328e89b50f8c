import { z } from 'zod';
import { Me, SessionOpened } from '@cagnotte/shared';
import { request, requestNothing } from './http.ts';

export const authApi = {
  requestMagicLink: (email: string) => request(z.unknown(), 'POST', '/api/auth/magic-link', { body: { email } }),
  openSession: (token: string) => request(SessionOpened, 'POST', '/api/auth/session', { body: { token } }),
  me: () => request(Me, 'GET', '/api/auth/me'),
  signOut: () => requestNothing('DELETE', '/api/auth/session'),
};
