import { z } from 'zod';
import { Email, Id, Locale, Name, Role, Timestamp } from './common.ts';
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

/** An organisation's stable handle in URLs and the operator CLI. */
export const Slug = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/, 'lowercase letters, digits and dashes, 1 to 60');

export const NewOrganisation = z.object({
  name: Name,
  /** Made from the name when absent. */
  slug: Slug.optional(),
  currency: CurrencyCode.default('EUR'),
  locale: Locale.default('fr'),
  timeZone: TimeZone.default('Europe/Paris'),
});

/** The organisation's first admin: an existing person with this e-mail, or a new one. */
export const FirstAdmin = z.object({ name: Name, email: Email });

/** What creates an organisation, from the first-run page or the operator CLI (`create-org`). */
export const CreateOrg = z.object({ organisation: NewOrganisation, admin: FirstAdmin }).meta({ id: 'CreateOrg' });
export type CreateOrg = z.infer<typeof CreateOrg>;
export type CreateOrgInput = z.input<typeof CreateOrg>;

export const OrganisationCreated = z.object({ organisationId: Id, slug: z.string(), personId: Id, membershipId: Id });
export type OrganisationCreated = z.infer<typeof OrganisationCreated>;

/**
 * The first run. The setup token is the secret of the link printed at start
 * (`{PUBLIC_URL}/setup#token=…`); the page sends it in the `x-setup-token` header to check it
 * and in the body to use it.
 */
export const SETUP_TOKEN_HEADER = 'x-setup-token';

export const SetupTokenState = z.enum([
  /** The link works and no organisation exists yet: show the form. */
  'ready',
  /** No token sent, or one this instance never issued (or replaced by a newer link). */
  'unknown',
  'used',
  'expired',
  /** An organisation exists: the first run is over, whatever the link. */
  'done',
]);
export type SetupTokenState = z.infer<typeof SetupTokenState>;

export const SetupStatus = z
  .object({ state: SetupTokenState, /** When a `ready` link stops working. */ expiresAt: Timestamp.nullable() })
  .meta({ id: 'SetupStatus' });
export type SetupStatus = z.infer<typeof SetupStatus>;

export const SetupRequest = CreateOrg.extend({ token: z.string().min(20).max(200) }).meta({ id: 'SetupRequest' });
export type SetupRequest = z.infer<typeof SetupRequest>;
