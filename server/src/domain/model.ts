import type { Role } from '@cagnotte/shared';
import type { buckets, rounds } from '../db/schema.ts';

// What every feature reasons about, whatever the caller (a route, the CLI, the seed, a job):
// the acting member and the records read from the database. `http/access.ts` decides who the
// actor is from a request; nothing here knows of HTTP.

/** A signed-in person acting within one organisation, as its active member. */
export type Actor = { membershipId: string; personId: string; organisationId: string; role: Role };

/** Who may read a round: one of its organisation's members, or a projector link for it. */
export type Viewer = { kind: 'member'; actor: Actor } | { kind: 'projector'; projectorLinkId: string };

export type Round = typeof rounds.$inferSelect;
export type Bucket = typeof buckets.$inferSelect;
