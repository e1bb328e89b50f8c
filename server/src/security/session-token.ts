import { SignJWT, jwtVerify } from 'jose';

const ALGORITHM = 'HS256';
const ISSUER = 'cagnotte';
const AUDIENCE = 'cagnotte-api';

export type SessionClaims = { sid: string; sub: string };

export async function signSessionToken(secret: Uint8Array, claims: SessionClaims, expiresAt: Date): Promise<string> {
  return new SignJWT({ sid: claims.sid })
    .setProtectedHeader({ alg: ALGORITHM })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(secret);
}

/** Undefined for anything not signed by us with the pinned algorithm, or expired. */
export async function verifySessionToken(secret: Uint8Array, token: string): Promise<SessionClaims | undefined> {
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE });
    if (typeof payload.sid !== 'string' || typeof payload.sub !== 'string') return undefined;
    return { sid: payload.sid, sub: payload.sub };
  } catch {
    return undefined;
  }
}

/**
 * Verifying an HMAC through WebCrypto costs a measurable share of each request; a token's
 * verdict never changes before it expires, so good ones are remembered (bounded, oldest out).
 * Revocation is not affected: the session row is still read on every request. A remembered
 * token's claims come back at once, not as a promise, so that the auth hook of most requests
 * has nothing to wait for.
 */
export function makeTokenVerifier(secret: Uint8Array, maxEntries = 10_000) {
  const verified = new Map<string, SessionClaims & { expiresAtMs: number }>();
  return (token: string, nowMs: number): SessionClaims | undefined | Promise<SessionClaims | undefined> => {
    const known = verified.get(token);
    if (known && known.expiresAtMs > nowMs) return { sid: known.sid, sub: known.sub };
    return verifySessionToken(secret, token).then((claims) => {
      if (!claims) return undefined;
      const expiresAtMs = decodeExpiry(token);
      if (verified.size >= maxEntries) verified.delete(verified.keys().next().value as string);
      verified.set(token, { ...claims, expiresAtMs });
      return claims;
    });
  };
}

function decodeExpiry(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: number };
  return (payload.exp ?? 0) * 1000;
}
