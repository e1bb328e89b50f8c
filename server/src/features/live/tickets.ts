import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { LiveTicket } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import { liveTickets, sessions } from '../../db/schema.ts';
import type { Session } from '../../http/auth-plugin.ts';
import { hashToken, randomToken } from '../../security/tokens.ts';

const TICKET_SECONDS = 30;

export type TicketService = ReturnType<typeof makeTicketService>;

/**
 * Short, single-use tickets for opening the live socket where the cookie cannot be used (another
 * origin in development, scripts): the socket URL carries only this, never a session token.
 */
export function makeTicketService({ db, now }: { db: Db; now: () => Date }) {
  return {
    async issue(sessionId: string, roundId: string): Promise<LiveTicket> {
      const ticket = randomToken();
      const expiresAt = new Date(now().getTime() + TICKET_SECONDS * 1000);
      await db.insert(liveTickets).values({ sessionId, roundId, ticketHash: hashToken(ticket), expiresAt });
      return { ticket, expiresAt: expiresAt.toISOString() };
    },

    /**
     * The session the ticket was issued to, if the ticket is unused, unexpired, for this round
     * and its session still valid. The conditional update lets exactly one caller through.
     */
    async redeem(ticket: string, roundId: string): Promise<Session | undefined> {
      const at = now();
      const [row] = await db
        .update(liveTickets)
        .set({ usedAt: at })
        .from(sessions)
        .where(
          and(
            eq(liveTickets.ticketHash, hashToken(ticket)),
            isNull(liveTickets.usedAt),
            gt(liveTickets.expiresAt, at),
            eq(liveTickets.roundId, roundId),
            eq(sessions.id, liveTickets.sessionId),
            isNull(sessions.revokedAt),
            gt(sessions.expiresAt, at),
          ),
        )
        .returning({ sessionId: sessions.id, kind: sessions.kind, personId: sessions.personId, projectorLinkId: sessions.projectorLinkId });
      if (!row) return undefined;
      if (row.kind === 'member' && row.personId) return { kind: 'member', sessionId: row.sessionId, personId: row.personId, via: 'bearer' };
      if (row.kind === 'projector' && row.projectorLinkId) return { kind: 'projector', sessionId: row.sessionId, projectorLinkId: row.projectorLinkId, via: 'bearer' };
      return undefined;
    },

    /** Old tickets are of no use to anyone. */
    async purge(): Promise<void> {
      await db.delete(liveTickets).where(lt(liveTickets.expiresAt, new Date(now().getTime() - 3_600_000)));
    },
  };
}
