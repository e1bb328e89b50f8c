import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { sessions } from '../db/schema.ts';
import { makeTokenVerifier } from '../security/session-token.ts';
import { forbidden } from '../domain/errors.ts';

export const SESSION_COOKIE = 'cagnotte_session';
/** Apart from the member's, so that opening a projector link does not sign its viewer out. */
export const PROJECTOR_COOKIE = 'cagnotte_projector';

export type Session =
  | { kind: 'member'; sessionId: string; personId: string; via: 'cookie' | 'bearer' }
  | { kind: 'projector'; sessionId: string; projectorLinkId: string; via: 'cookie' | 'bearer' };

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function readToken(request: FastifyRequest): { token: string; via: 'cookie' | 'bearer' } | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return { token: header.slice(7).trim(), via: 'bearer' };
  const cookie = request.cookies[SESSION_COOKIE] ?? request.cookies[PROJECTOR_COOKIE];
  return cookie ? { token: cookie, via: 'cookie' } : undefined;
}

/**
 * Who is calling: the signature is checked, then the session row (revocable, expiring), on
 * every request. Membership of the organisation touched is checked by `access`, also per request.
 */
export const authPlugin = fp<{ db: Db; secret: Uint8Array; allowedOrigins: string[]; now: () => Date }>(
  async (app: FastifyInstance, { db, secret, allowedOrigins, now }) => {
    app.decorateRequest('session', null);
    const verify = makeTokenVerifier(secret);
    // Every authenticated request runs it: built once, a named statement on each connection.
    const liveSession = db
      .select({ id: sessions.id, kind: sessions.kind, personId: sessions.personId, projectorLinkId: sessions.projectorLinkId })
      .from(sessions)
      .where(and(eq(sessions.id, sql.placeholder('sid')), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql.placeholder('now'))))
      .prepare('auth_live_session');
    app.addHook('onRequest', async (request) => {
      const found = readToken(request);
      if (!found) return;
      const claims = await verify(found.token, Date.now());
      if (!claims) return;
      const [row] = await liveSession.execute({ sid: claims.sid, now: now() });
      if (!row) return;
      if (found.via === 'cookie' && !SAFE_METHODS.has(request.method)) {
        // CSRF: a browser sends the cookie from any site; only our own pages may change state.
        const origin = request.headers.origin;
        if (!origin || !allowedOrigins.includes(origin)) {
          throw forbidden('This request must come from the application’s own pages (Origin check).', 'origin_not_allowed');
        }
      }
      request.session =
        row.kind === 'member' && row.personId
          ? { kind: 'member', sessionId: row.id, personId: row.personId, via: found.via }
          : row.projectorLinkId
            ? { kind: 'projector', sessionId: row.id, projectorLinkId: row.projectorLinkId, via: found.via }
            : null;
    });
  },
  { name: 'auth' },
);
