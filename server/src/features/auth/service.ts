import type { Me, MePatch } from '@cagnotte/shared';
import type { Db, Executor } from '../../db/client.ts';
import { enqueueMail } from '../../mail/outbox.ts';
import { hashToken, randomToken } from '../../security/tokens.ts';
import { signSessionToken } from '../../security/session-token.ts';
import { unauthorized } from '../../domain/errors.ts';
import type { SessionCheck } from '../../http/auth-plugin.ts';
import { signInMail } from './mail.ts';
import { insertMagicLink, insertMemberSession, markSessionRevoked, prepareMe, setPersonLocale, signInRecipient, useMagicLink } from './queries.ts';

const LINK_MINUTES = 15;

/**
 * A single-use sign-in link, valid 15 minutes; only the token's hash is stored. The token
 * travels in the URL fragment, which browsers never send to servers, so it stays out of logs.
 */
export async function issueMagicLink(tx: Executor, personId: string, deps: { publicUrl: string; now: () => Date }): Promise<string> {
  const token = randomToken();
  await insertMagicLink(tx, {
    personId,
    tokenHash: hashToken(token),
    expiresAt: new Date(deps.now().getTime() + LINK_MINUTES * 60_000),
  });
  return `${deps.publicUrl}/sign-in#token=${token}`;
}

export type AuthService = ReturnType<typeof makeAuthService>;

export function makeAuthService(deps: {
  db: Db;
  now: () => Date;
  secret: Uint8Array;
  sessionDays: number;
  publicUrl: string;
  onLinkCreated?: (email: string, url: string) => void;
}) {
  const { db, now } = deps;

  const createMagicLink = (tx: Executor, personId: string) => issueMagicLink(tx, personId, deps);

  async function openSession(personId: string): Promise<{ token: string; expiresAt: Date; sessionId: string }> {
    const expiresAt = new Date(now().getTime() + deps.sessionDays * 86_400_000);
    const session = await insertMemberSession(db, { personId, expiresAt });
    if (!session) throw new Error('session insert returned nothing');
    const token = await signSessionToken(deps.secret, { sid: session.id, sub: personId }, expiresAt);
    return { token, expiresAt, sessionId: session.id };
  }

  // Every page load asks who is signed in: the person and their active memberships in one
  // prepared statement (one row per membership, or one with none).
  const meQuery = prepareMe(db);

  type MeRows = Awaited<ReturnType<typeof meQuery.execute>>;

  /** The statement's rows, and whether the session checked alongside is live (see `access.firstRead`). */
  async function readMe(personId: string, check: SessionCheck): Promise<{ sessionLive: boolean; rows: MeRows } | undefined> {
    const rows = await meQuery.execute({ personId, ...check });
    return rows[0] && { sessionLive: rows[0].sessionLive, rows };
  }

  async function me(personId: string): Promise<Me> {
    return meOf((await readMe(personId, { sessionId: null, now: now() }))?.rows ?? []);
  }

  function meOf(rows: MeRows): Me {
    const person = rows[0]?.person;
    if (!person || person.erasedAt) throw unauthorized();
    return {
      person: { id: person.id, name: person.name, email: person.email, locale: person.locale },
      memberships: rows.flatMap((r) => (r.membershipId && r.role && r.organisation ? [{ membershipId: r.membershipId, role: r.role, organisation: r.organisation }] : [])),
    };
  }

  return {
    createMagicLink,
    openSession,
    me,
    readMe,
    meOf,

    /** Only the fields sent change; `locale: null` follows the organisation's language again. */
    async updateMe(personId: string, patch: MePatch): Promise<Me> {
      if (patch.locale !== undefined) await setPersonLocale(db, personId, patch.locale);
      return me(personId);
    },

    /**
     * Always succeeds from the caller's point of view, known e-mail or not, so that nobody can
     * learn who is a member. Only people with an active membership get a link.
     */
    async requestMagicLink(email: string): Promise<void> {
      await db.transaction(async (tx) => {
        // Their own language if they chose one, else that of their first organisation, which
        // also gives the name they are greeted by.
        const person = await signInRecipient(tx, email);
        if (!person) return;
        const url = await createMagicLink(tx, person.id);
        await enqueueMail(tx, signInMail({ to: email, name: person.name, url, minutes: LINK_MINUTES, locale: person.locale }));
        deps.onLinkCreated?.(email, url);
      });
    },

    /** Single use: the conditional update lets exactly one request through. */
    async redeemMagicLink(token: string) {
      const link = await useMagicLink(db, hashToken(token), { usedAt: now(), validAt: now() });
      if (!link) throw unauthorized('This sign-in link is invalid, already used or expired. Ask for a new one.');
      const session = await openSession(link.personId);
      return { ...session, me: await me(link.personId) };
    },

    async revokeSession(sessionId: string): Promise<void> {
      await markSessionRevoked(db, sessionId, now());
    },
  };
}
