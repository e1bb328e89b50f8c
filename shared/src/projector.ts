import { z } from 'zod';
import { Id, Timestamp } from './common.ts';

export const NewProjectorLink = z.object({ label: z.string().trim().max(200).optional() });
export type NewProjectorLink = z.infer<typeof NewProjectorLink>;

export const ProjectorLink = z
  .object({
    id: Id,
    roundId: Id,
    label: z.string(),
    createdAt: Timestamp,
    revokedAt: Timestamp.nullable(),
  })
  .meta({ id: 'ProjectorLink' });
export type ProjectorLink = z.infer<typeof ProjectorLink>;

/** Only on creation: the URL carries the secret in its fragment, which browsers never send to servers. */
export const CreatedProjectorLink = ProjectorLink.extend({
  url: z.url(),
}).meta({ id: 'CreatedProjectorLink' });
export type CreatedProjectorLink = z.infer<typeof CreatedProjectorLink>;

export const ProjectorLinkParams = z.object({ id: Id });

export const OpenProjectorSession = z.object({
  linkId: Id,
  secret: z.string().min(20).max(200),
});

export const ProjectorSessionOpened = z
  .object({
    /** The same token the cookie carries, for scripts. Read-only, for this round only. */
    token: z.string(),
    expiresAt: Timestamp,
    roundId: Id,
  })
  .meta({ id: 'ProjectorSessionOpened' });
export type ProjectorSessionOpened = z.infer<typeof ProjectorSessionOpened>;

/** A projector link's secret as the server makes it: 32 random bytes in base64url, 43 characters. */
export const PROJECTOR_SECRET = /^[A-Za-z0-9_-]{43}$/;

/**
 * What is wrong with a projector link before asking the server: `incomplete` when the address
 * was cut (no secret, a short one, or a partial link id) — asking again cannot help, only the
 * whole link can.
 */
export function projectorLinkFault(link: { linkId: string; secret: string }): 'incomplete' | null {
  return Id.safeParse(link.linkId).success && PROJECTOR_SECRET.test(link.secret) ? null : 'incomplete';
}
