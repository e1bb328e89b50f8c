import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { sessions } from '../db/schema.ts';
import { makeTokenVerifier, type SessionClaims } from '../security/session-token.ts';
import { forbidden } from '../domain/errors.ts';

export const SESSION_COOKIE = 'cagnotte_session';
/** Apart from the member's, so that opening a projector link does not sign its viewer out. */
export const PROJECTOR_COOKIE = 'cagnotte_projector';

export type Session =
  | { kind: 'member'; sessionId: string; personId: string; via: 'cookie' | 'bearer' }
  | { kind: 'projector'; sessionId: string; projectorLinkId: string; via: 'cookie' | 'bearer' };

/**
 * A member's token whose signature is good but whose session row is still to be read: on the
 * routes that opt in (`config: { sessionInQuery: true }`), the route's own first statement checks
 * the row (see `access`), so the request makes one round trip fewer. Until then
 * `request.session` stays null, so anything that skips that check refuses the request.
 */
export type UnconfirmedSession = { sessionId: string; personId: string; via: 'cookie' | 'bearer' };

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
    unconfirmedSession: UnconfirmedSession | null;
  }
  interface FastifyInstance {
    /**
     * The ordinary check of an unconfirmed session (one read of its row), for when the route's
     * own statement did not confirm it: the request then goes on exactly as on any other route.
     */
    confirmSession: (request: FastifyRequest) => Promise<void>;
  }
  interface FastifyContextConfig {
    /** The route reads the session row in its own first statement (through `access`). */
    sessionInQuery?: boolean;
  }
}

/** What a first statement needs to check the session row itself (a null id checks nothing). */
export type SessionCheck = { sessionId: string | null; now: Date };

/**
 * The column a route's first statement adds to read the session row in the same round trip:
 * true when the session is a member's, this person's, not revoked and not expired. Its
 * placeholders are `sessionId`, `personId` and `now`.
 */
export const sessionLive = sql<boolean>`exists (select 1 from ${sessions} where ${sessions.id} = ${sql.placeholder('sessionId')} and ${sessions.kind} = 'member' and ${sessions.personId} = ${sql.placeholder('personId')} and ${sessions.revokedAt} is null and ${sessions.expiresAt} > ${sql.placeholder('now')})`;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function readToken(request: FastifyRequest): { token: string; via: 'cookie' | 'bearer' } | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return { token: header.slice(7).trim(), via: 'bearer' };
  const cookie = request.cookies[SESSION_COOKIE] ?? request.cookies[PROJECTOR_COOKIE];
  return cookie ? { token: cookie, via: 'cookie' } : undefined;
}

/**
 * Who is calling: the signature is checked, then the session row (revocable, expiring), on
 * every request — here, or, on the routes marked `sessionInQuery`, inside the route's first
 * statement. Either way a revoked or expired session is refused on its very next request, on
 * every instance, since nothing about a session is remembered between requests. Membership of
 * the organisation touched is checked by `access`, also per request.
 */
export const authPlugin = fp<{ db: Db; secret: Uint8Array; allowedOrigins: string[]; now: () => Date }>(
  async (app: FastifyInstance, { db, secret, allowedOrigins, now }) => {
    app.decorateRequest('session', null);
    app.decorateRequest('unconfirmedSession', null);
    const verify = makeTokenVerifier(secret);
    // Every authenticated request runs it: built once, a named statement on each connection.
    const liveSession = db
      .select({ id: sessions.id, kind: sessions.kind, personId: sessions.personId, projectorLinkId: sessions.projectorLinkId })
      .from(sessions)
      .where(and(eq(sessions.id, sql.placeholder('sid')), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql.placeholder('now'))))
      .prepare('auth_live_session');
    // CSRF: a browser sends the cookie from any site; only our own pages may change state.
    const crossSite = (request: FastifyRequest, via: 'cookie' | 'bearer') => {
      if (via !== 'cookie' || SAFE_METHODS.has(request.method)) return false;
      const origin = request.headers.origin;
      return !origin || !allowedOrigins.includes(origin);
    };
    // A callback hook: on the routes marked `sessionInQuery`, with a token already verified, it
    // ends without a promise (issue 12, target 2).
    app.addHook('onRequest', (request, _reply, done) => {
      const found = readToken(request);
      if (!found) return done();
      const claims = verify(found.token, Date.now());
      if (claims instanceof Promise) claims.then((verified) => authenticate(request, found.via, verified, done), done);
      else authenticate(request, found.via, claims, done);
    });

    /** The rest of the hook once the token's claims are known; `done` ends it, with the error if any. */
    function authenticate(request: FastifyRequest, via: 'cookie' | 'bearer', claims: SessionClaims | undefined, done: (error?: Error) => void): void {
      if (!claims) return done();
      if (request.routeOptions.config.sessionInQuery && !crossSite(request, via)) {
        request.unconfirmedSession = { sessionId: claims.sid, personId: claims.sub, via };
        return done();
      }
      confirm(request, claims.sid, via).then(() => done(), done);
    }

    /** Reads the session row and sets `request.session` from it (null when it is not live). */
    async function confirm(request: FastifyRequest, sid: string, via: 'cookie' | 'bearer'): Promise<void> {
      const [row] = await liveSession.execute({ sid, now: now() });
      if (!row) return;
      if (crossSite(request, via)) {
        throw forbidden('This request must come from the application’s own pages (Origin check).', 'origin_not_allowed');
      }
      request.session =
        row.kind === 'member' && row.personId
          ? { kind: 'member', sessionId: row.id, personId: row.personId, via }
          : row.projectorLinkId
            ? { kind: 'projector', sessionId: row.id, projectorLinkId: row.projectorLinkId, via }
            : null;
    }

    app.decorate('confirmSession', async (request: FastifyRequest) => {
      const pending = request.unconfirmedSession;
      if (!pending) return;
      request.unconfirmedSession = null;
      await confirm(request, pending.sessionId, pending.via);
    });
  },
  { name: 'auth' },
);
