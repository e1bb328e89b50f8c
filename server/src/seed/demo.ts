import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { memberships, organisations, people } from '../db/schema.ts';
import { issueMagicLink } from '../features/auth/service.ts';

export const DEMO_SLUG = 'demo';
export const DEMO_ADMIN_EMAIL = 'admin@demo.cagnotte.local';

const DEMO_PEOPLE = [
  { email: DEMO_ADMIN_EMAIL, name: 'Camille Admin', role: 'admin' },
  { email: 'reviewer@demo.cagnotte.local', name: 'Rémi Relecteur', role: 'reviewer' },
  { email: 'accountant@demo.cagnotte.local', name: 'Agnès Comptable', role: 'accountant' },
  { email: 'lea@demo.cagnotte.local', name: 'Léa Sociétaire', role: 'member' },
  { email: 'youssef@demo.cagnotte.local', name: 'Youssef Coopérateur', role: 'member' },
  { email: 'marie@demo.cagnotte.local', name: 'Marie Porteuse', role: 'member' },
] as const;

/**
 * On first start, a demo cooperative with one person per role. On every start, a fresh
 * sign-in link for its admin. Nothing happens if the demo organisation was deleted on purpose
 * (SEED_DEMO=false) or another organisation owns the slug.
 */
export async function seedDemo({ db, publicUrl, now }: { db: Db; publicUrl: string; now: () => Date }) {
  return db.transaction(async (tx) => {
    let [org] = await tx.select().from(organisations).where(eq(organisations.slug, DEMO_SLUG));
    if (!org) {
      [org] = await tx
        .insert(organisations)
        .values({ name: 'Coopérative Demo', slug: DEMO_SLUG, currency: 'EUR', locale: 'fr', timeZone: 'Europe/Paris' })
        .returning();
      if (!org) throw new Error('demo organisation not created');
      for (const person of DEMO_PEOPLE) {
        const [row] = await tx.insert(people).values({ email: person.email, name: person.name }).returning();
        if (!row) throw new Error('demo person not created');
        await tx.insert(memberships).values({ organisationId: org.id, personId: row.id, role: person.role });
      }
    }
    const [admin] = await tx.select().from(people).where(eq(people.email, DEMO_ADMIN_EMAIL));
    if (!admin) return undefined;
    return {
      organisation: org.name,
      adminEmail: DEMO_ADMIN_EMAIL,
      signInUrl: await issueMagicLink(tx, admin.id, { publicUrl, now }),
    };
  });
}
