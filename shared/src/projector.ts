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
