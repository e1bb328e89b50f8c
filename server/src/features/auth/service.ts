import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Locale, Me, MePatch } from '@cagnotte/shared';
import type { Db, Executor } from '../../db/client.ts';
import { magicLinks, memberships, organisations, people, sessions } from '../../db/schema.ts';
import { enqueueMail } from '../../mail/outbox.ts';
import { hashToken, randomToken } from '../../security/tokens.ts';
import { signSessionToken } from '../../security/session-token.ts';
import { unauthorized } from '../../domain/errors.ts';
import { signInMail } from './mail.ts';

const LINK_MINUTES = 15;

/**
 * A single-use sign-in link, valid 15 minutes; only the token's hash is stored. The token
 * travels in the URL fragment, which browsers never send to servers, so it stays out of logs.
 */
export async function issueMagicLink(tx: Executor, personId: string, deps: { publicUrl: string; now: () => Date }): Promise<string> {
  const token = randomToken();
  await tx.insert(magicLinks).values({
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
    const [session] = await db.insert(sessions).values({ kind: 'member', personId, expiresAt }).returning({ id: sessions.id });
    if (!session) throw new Error('session insert returned nothing');
    const token = await signSessionToken(deps.secret, { sid: session.id, sub: personId }, expiresAt);
    return { token, expiresAt, sessionId: session.id };
  }

  // Every page load asks who is signed in: the person and their active memberships in one
  // prepared statement (one row per membership, or one with none).
  const meQuery = db
    .select({
      person: { id: people.id, name: people.name, email: people.email, locale: people.locale, erasedAt: people.erasedAt },
      membershipId: memberships.id,
      role: memberships.role,
      organisation: {
        id: organisations.id,
        name: organisations.name,
        slug: organisations.slug,
        currency: organisations.currency,
        locale: organisations.locale,
        timeZone: organisations.timeZone,
      },
    })
    .from(people)
    .leftJoin(memberships, and(eq(memberships.personId, people.id), eq(memberships.active, true)))
    .leftJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(eq(people.id, sql.placeholder('personId')))
    .orderBy(organisations.name)
    .prepare('auth_me');

  async function me(personId: string): Promise<Me> {
    const rows = await meQuery.execute({ personId });
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

    /** Only the fields sent change; `locale: null` follows the organisation's language again. */
    async updateMe(personId: string, patch: MePatch): Promise<Me> {
      if (patch.locale !== undefined) await db.update(people).set({ locale: patch.locale }).where(and(eq(people.id, personId), isNull(people.erasedAt)));
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
        const [person] = await tx
          .select({ id: people.id, name: memberships.name, locale: sql<Locale>`coalesce(${people.locale}, ${organisations.locale})` })
          .from(people)
          .innerJoin(memberships, and(eq(memberships.personId, people.id), eq(memberships.active, true)))
          .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
          .where(and(sql`lower(${people.email}) = ${email}`, isNull(people.erasedAt)))
          .orderBy(asc(memberships.createdAt), asc(memberships.id))
          .limit(1);
        if (!person) return;
        const url = await createMagicLink(tx, person.id);
        await enqueueMail(tx, signInMail({ to: email, name: person.name, url, minutes: LINK_MINUTES, locale: person.locale }));
        deps.onLinkCreated?.(email, url);
      });
    },

    /** Single use: the conditional update lets exactly one request through. */
    async redeemMagicLink(token: string) {
      const [link] = await db
        .update(magicLinks)
        .set({ usedAt: now() })
        .where(and(eq(magicLinks.tokenHash, hashToken(token)), isNull(magicLinks.usedAt), gt(magicLinks.expiresAt, now())))
        .returning({ personId: magicLinks.personId });
      if (!link) throw unauthorized('This sign-in link is invalid, already used or expired. Ask for a new one.');
      const session = await openSession(link.personId);
      return { ...session, me: await me(link.personId) };
    },

    async revokeSession(sessionId: string): Promise<void> {
      await db.update(sessions).set({ revokedAt: now() }).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
    },
  };
}
