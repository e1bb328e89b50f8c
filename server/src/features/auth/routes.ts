import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MagicLinkRequest, Me, MePatch, OpenSessionRequest, Problem, SessionOpened } from '@cagnotte/shared';
import type { Access } from '../../http/access.ts';
import { SESSION_COOKIE } from '../../http/auth-plugin.ts';
import type { AuthService } from './service.ts';

/** Signs the browser in (the httpOnly cookie) and gives scripts the same token: sign-in and the first run. */
export function sendSession(
  reply: FastifyReply,
  session: { token: string; expiresAt: Date; me: Me },
  secureCookies: boolean,
) {
  reply.setCookie(SESSION_COOKIE, session.token, { httpOnly: true, sameSite: 'lax', secure: secureCookies, path: '/', expires: session.expiresAt });
  return reply.code(201).send({ token: session.token, expiresAt: session.expiresAt.toISOString(), me: session.me });
}

export const authRoutes: FastifyPluginAsyncZod<{
  auth: AuthService;
  access: Access;
  secureCookies: boolean;
  signInPerMinute: number;
}> = async (app, { auth, access, secureCookies, signInPerMinute }) => {
  const rateLimit = { max: signInPerMinute, timeWindow: '1 minute' };

  app.post('/api/auth/magic-link', {
    config: { rateLimit },
    schema: {
      operationId: 'requestMagicLink',
      // Public: this is how a session is obtained in the first place.
      security: [],
      tags: ['auth'],
      summary: 'E-mail a single-use sign-in link (always 202, known address or not)',
      body: MagicLinkRequest,
      response: { 202: z.object({ sent: z.literal(true) }), 400: Problem, 429: Problem },
    },
  }, async (request, reply) => {
    await auth.requestMagicLink(request.body.email);
    return reply.code(202).send({ sent: true });
  });

  app.post('/api/auth/session', {
    config: { rateLimit },
    schema: {
      operationId: 'openSession',
      // Public: this is how a session is obtained in the first place.
      security: [],
      tags: ['auth'],
      summary: 'Exchange a sign-in link token for a session (cookie, and the token for scripts)',
      body: OpenSessionRequest,
      response: { 201: SessionOpened, 400: Problem, 401: Problem, 429: Problem },
    },
  }, async (request, reply) => {
    return sendSession(reply, await auth.redeemMagicLink(request.body.token), secureCookies);
  });

  app.delete('/api/auth/session', {
    schema: { operationId: 'signOut', tags: ['auth'], summary: 'Sign out: the session is revoked everywhere', response: { 204: z.null(), 401: Problem } },
  }, async (request, reply) => {
    const session = request.session;
    if (session) await auth.revokeSession(session.sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send(null);
  });

  // Every page load asks it: the session row is read in the same statement.
  app.get('/api/auth/me', {
    config: { sessionInQuery: true },
    schema: { operationId: 'getMe', tags: ['auth'], summary: 'Who I am and my organisations', response: { 200: Me, 401: Problem } },
  }, async (request) => auth.meOf((await access.firstRead(request, auth.readMe)).row?.rows ?? []));

  app.patch('/api/auth/me', {
    schema: {
      operationId: 'updateMe',
      tags: ['auth'],
      summary: 'Change my own settings: my language (null follows the organisation\'s)',
      body: MePatch,
      response: { 200: Me, 400: Problem, 401: Problem, 403: Problem },
    },
  }, async (request) => auth.updateMe(access.person(request), request.body));
};
