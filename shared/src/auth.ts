import { z } from 'zod';
import { Email, Id, Locale, Role, Timestamp } from './common.ts';

export const MagicLinkRequest = z.object({ email: Email });
export const OpenSessionRequest = z.object({ token: z.string().min(20).max(200) });

export const MembershipSummary = z.object({
  membershipId: Id,
  role: Role,
  organisation: z.object({ id: Id, name: z.string(), slug: z.string(), currency: z.string(), locale: Locale, timeZone: z.string() }),
});

export const Me = z
  .object({
    person: z.object({
      id: Id,
      name: z.string(),
      email: z.string().nullable(),
      /** The language the person chose; null follows the organisation's (`memberships[].organisation.locale`). */
      locale: Locale.nullable(),
    }),
    memberships: z.array(MembershipSummary),
  })
  .meta({ id: 'Me' });
export type Me = z.infer<typeof Me>;

export const SessionOpened = z
  .object({
    /** The same token the cookie carries, for scripts: send it as `Authorization: Bearer`. */
    token: z.string(),
    expiresAt: Timestamp,
    me: Me,
  })
  .meta({ id: 'SessionOpened' });
export type SessionOpened = z.infer<typeof SessionOpened>;

/** What a person may change about themselves. `locale: null` goes back to the organisation's language. */
export const MePatch = z.object({ locale: Locale.nullable().optional() }).meta({ id: 'MePatch' });
export type MePatch = z.infer<typeof MePatch>;
