import { eq } from 'drizzle-orm';
import type { Organisation, OrganisationPatch } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import { organisations } from '../../db/schema.ts';
import type { Actor } from '../../http/access.ts';
import { notFound } from '../../http/errors.ts';

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
