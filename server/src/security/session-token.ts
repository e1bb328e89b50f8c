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
