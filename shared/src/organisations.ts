import { z } from 'zod';
import { Id, Locale, Name, Role } from './common.ts';
import { CurrencyCode } from './money.ts';

export const OrganisationParams = z.object({ orgId: Id });

/** 'UTC' is missing from some engines' list of canonical zones, yet it is what people type. */
export function isTimeZone(value: string): boolean {
  return value === 'UTC' || Intl.supportedValuesOf('timeZone').includes(value);
}

export const TimeZone = z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris');

export const Organisation = z
  .object({
    id: Id,
    name: z.string(),
    slug: z.string(),
    currency: z.string(),
    locale: Locale,
    timeZone: z.string(),
    /** The caller's membership in this organisation. */
    myMembershipId: Id,
    myRole: Role,
  })
  .meta({ id: 'Organisation' });
export type Organisation = z.infer<typeof Organisation>;

/** Only the fields sent change. The currency applies to rounds created afterwards. */
export const OrganisationPatch = z.object({
  name: Name.optional(),
  currency: CurrencyCode.optional(),
  locale: Locale.optional(),
  timeZone: TimeZone.optional(),
});
export type OrganisationPatch = z.infer<typeof OrganisationPatch>;
