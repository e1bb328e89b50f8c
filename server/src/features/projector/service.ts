import { and, desc, eq, isNull } from 'drizzle-orm';
import type { ProjectorLink, CreatedProjectorLink, ProjectorSessionOpened } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import { projectorLinks, sessions } from '../../db/schema.ts';
import { notFound, unauthorized } from '../../domain/errors.ts';
import { hashToken, randomToken, sameHash } from '../../security/tokens.ts';
import { signSessionToken } from '../../security/session-token.ts';

/** Long enough for a board meeting, short enough that a forgotten laptop does not watch for ever. */
const SESSION_HOURS = 12;

type LinkRow = typeof projectorLinks.$inferSelect;

const toLink = (row: LinkRow): ProjectorLink => ({
  id: row.id,
  roundId: row.roundId,
  label: row.label,
  createdAt: row.createdAt.toISOString(),
  revokedAt: row.revokedAt?.toISOString() ?? null,
});

export type ProjectorService = ReturnType<typeof makeProjectorService>;

/**
 * Projector links let the board meeting's laptop follow one round without a member account. The
 * secret travels in the URL fragment (never sent to servers, so never in logs) and only its hash
 * is stored; exchanging it gives a short read-only session that `access.viewRound` alone accepts.
 */
export function makeProjectorService(deps: {
  db: Db;
  now: () => Date;
  secret: Uint8Array;
  publicUrl: string;
  /** Closes the revoked link's live sockets everywhere. */
  onRevoked: (linkId: string) => Promise<void>;
}) {
  const { db, now } = deps;

  return {
    async create(roundId: string, createdBy: string, label: string | undefined): Promise<CreatedProjectorLink> {
      const secret = randomToken();
      const [row] = await db.insert(projectorLinks).values({ roundId, createdBy, label: label ?? '', secretHash: hashToken(secret) }).returning();
      if (!row) throw new Error('projector link insert returned nothing');
      return { ...toLink(row), url: `${deps.publicUrl}/projector/${row.id}#${secret}` };
    },

    async list(roundId: string): Promise<ProjectorLink[]> {
      const rows = await db.select().from(projectorLinks).where(eq(projectorLinks.roundId, roundId)).orderBy(desc(projectorLinks.createdAt));
      return rows.map(toLink);
    },

    /** The round a link belongs to, for the permission check; 404 when there is no such link. */
    async roundOf(linkId: string): Promise<string> {
      const [row] = await db.select({ roundId: projectorLinks.roundId }).from(projectorLinks).where(eq(projectorLinks.id, linkId));
      if (!row) throw notFound('projector link');
      return row.roundId;
    },

    /** Idempotent: the link, its sessions and its sockets end; revoking again changes nothing. */
    async revoke(linkId: string): Promise<void> {
      const at = now();
      await db.transaction(async (tx) => {
        await tx.update(projectorLinks).set({ revokedAt: at }).where(and(eq(projectorLinks.id, linkId), isNull(projectorLinks.revokedAt)));
        await tx
          .update(sessions)
          .set({ revokedAt: at })
          .where(and(eq(sessions.kind, 'projector'), eq(sessions.projectorLinkId, linkId), isNull(sessions.revokedAt)));
      });
      await deps.onRevoked(linkId);
    },

    /** The same refusal for an unknown link, a wrong secret and a revoked link. */
    async openSession(linkId: string, secret: string): Promise<ProjectorSessionOpened & { expiresAtDate: Date }> {
      const [link] = await db.select().from(projectorLinks).where(eq(projectorLinks.id, linkId));
      if (!link || link.revokedAt || !sameHash(hashToken(secret), link.secretHash)) {
        throw unauthorized('This projector link is invalid or was revoked. Ask an admin for a new one.');
      }
      const expiresAt = new Date(now().getTime() + SESSION_HOURS * 3_600_000);
      const [session] = await db.insert(sessions).values({ kind: 'projector', projectorLinkId: link.id, expiresAt }).returning({ id: sessions.id });
      if (!session) throw new Error('session insert returned nothing');
      const token = await signSessionToken(deps.secret, { sid: session.id, sub: link.id }, expiresAt);
      return { token, expiresAt: expiresAt.toISOString(), roundId: link.roundId, expiresAtDate: expiresAt };
    },
  };
}
