import { eq, like, or, sql } from 'drizzle-orm';
import type { CreateOrg, Organisation, OrganisationCreated, OrganisationPatch } from '@cagnotte/shared';
import { one, type Db, type Executor } from '../../db/client.ts';
import { memberships, organisations, people } from '../../db/schema.ts';
import type { Actor } from '../../domain/model.ts';
import { conflict, notFound } from '../../domain/errors.ts';
import { firstFreeSlug, slugFromName } from './rules.ts';

/**
 * Creates an organisation and its first admin (an existing person with that e-mail, or a new
 * one) with the admin membership, on the caller's transaction: the first run and the operator
 * CLI both come here. A slug that was asked for and is taken is a 409; one made from the name
 * takes the first free number.
 */
export async function createOrganisation(tx: Executor, input: CreateOrg): Promise<OrganisationCreated> {
  const { organisation: org, admin } = input;
  let slug = org.slug;
  if (slug) {
    const [taken] = await tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.slug, slug));
    if (taken) throw conflict('slug_taken', `The slug ${slug} is taken by another organisation.`, { slug });
  } else {
    const base = slugFromName(org.name);
    const taken = await tx.select({ slug: organisations.slug }).from(organisations).where(or(eq(organisations.slug, base), like(organisations.slug, `${base}-%`)));
    slug = firstFreeSlug(base, new Set(taken.map((r) => r.slug)));
  }
  const created = one(
    await tx.insert(organisations).values({ name: org.name, slug, currency: org.currency, locale: org.locale, timeZone: org.timeZone }).returning(),
    'organisation',
  );
  const [existing] = await tx.select({ id: people.id }).from(people).where(sql`lower(${people.email}) = ${admin.email}`);
  const person = existing ?? one(await tx.insert(people).values({ email: admin.email, name: admin.name }).returning({ id: people.id }), 'person');
  const membership = one(
    await tx.insert(memberships).values({ organisationId: created.id, personId: person.id, name: admin.name, role: 'admin' }).returning({ id: memberships.id }),
    'membership',
  );
  return { organisationId: created.id, slug: created.slug, personId: person.id, membershipId: membership.id };
}

export type OrganisationsService = ReturnType<typeof makeOrganisationsService>;

export function makeOrganisationsService({ db }: { db: Db }) {
  function shape(org: typeof organisations.$inferSelect, actor: Actor): Organisation {
    return {
      id: org.id,
      name: org.name,
      slug: org.slug,
      currency: org.currency,
      locale: org.locale,
      timeZone: org.timeZone,
      myMembershipId: actor.membershipId,
      myRole: actor.role,
    };
  }

  async function get(actor: Actor): Promise<Organisation> {
    const [org] = await db.select().from(organisations).where(eq(organisations.id, actor.organisationId));
    if (!org) throw notFound('organisation');
    return shape(org, actor);
  }

  return {
    get,

    /** A new organisation with its first admin, in one transaction. */
    create: (input: CreateOrg): Promise<OrganisationCreated> => db.transaction((tx) => createOrganisation(tx, input)),

    /** The slug is the organisation's stable handle (the CLI uses it) and does not change here. */
    async update(actor: Actor, patch: OrganisationPatch): Promise<Organisation> {
      const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
      if (Object.keys(changes).length === 0) return get(actor);
      const [org] = await db.update(organisations).set(changes).where(eq(organisations.id, actor.organisationId)).returning();
      if (!org) throw notFound('organisation');
      return shape(org, actor);
    },
  };
}
