import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Locale } from '@cagnotte/shared';
import type { Db, Executor } from '../../db/client.ts';
import { magicLinks, memberships, organisations, people, sessions } from '../../db/schema.ts';
import { sessionLive } from '../../http/auth-plugin.ts';

export async function insertMagicLink(ex: Executor, values: { personId: string; tokenHash: string; expiresAt: Date }): Promise<void> {
  await ex.insert(magicLinks).values(values);
}

/** Marks the link used; its person, or undefined when it is unknown, already used or expired. */
export async function useMagicLink(ex: Executor, tokenHash: string, { usedAt, validAt }: { usedAt: Date; validAt: Date }): Promise<{ personId: string } | undefined> {
  const [link] = await ex
    .update(magicLinks)
    .set({ usedAt })
    .where(and(eq(magicLinks.tokenHash, tokenHash), isNull(magicLinks.usedAt), gt(magicLinks.expiresAt, validAt)))
    .returning({ personId: magicLinks.personId });
  return link;
}

export async function insertMemberSession(ex: Executor, values: { personId: string; expiresAt: Date }): Promise<{ id: string } | undefined> {
  const [session] = await ex.insert(sessions).values({ kind: 'member', ...values }).returning({ id: sessions.id });
  return session;
}

export async function markSessionRevoked(ex: Executor, sessionId: string, revokedAt: Date): Promise<void> {
  await ex.update(sessions).set({ revokedAt }).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/**
 * Who is signed in, as the prepared statement `auth_me`: one row per active membership, or one
 * with none; each row says whether the session checked (`sessionId`, `now`) is live.
 */
export function prepareMe(db: Db) {
  return db
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
      sessionLive,
    })
    .from(people)
    .leftJoin(memberships, and(eq(memberships.personId, people.id), eq(memberships.active, true)))
    .leftJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(eq(people.id, sql.placeholder('personId')))
    .orderBy(organisations.name)
    .prepare('auth_me');
}

/** Nothing changes for an erased person. */
export async function setPersonLocale(ex: Executor, personId: string, locale: Locale | null): Promise<void> {
  await ex.update(people).set({ locale }).where(and(eq(people.id, personId), isNull(people.erasedAt)));
}

/** The person a sign-in link for this (lower-case) e-mail goes to, if they have an active membership. */
export async function signInRecipient(ex: Executor, email: string): Promise<{ id: string; name: string; locale: Locale } | undefined> {
  const [person] = await ex
    .select({ id: people.id, name: memberships.name, locale: sql<Locale>`coalesce(${people.locale}, ${organisations.locale})` })
    .from(people)
    .innerJoin(memberships, and(eq(memberships.personId, people.id), eq(memberships.active, true)))
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(and(sql`lower(${people.email}) = ${email}`, isNull(people.erasedAt)))
    .orderBy(asc(memberships.createdAt), asc(memberships.id))
    .limit(1);
  return person;
}
