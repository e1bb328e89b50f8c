import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { organisations, rounds } from '../../db/schema.ts';
import { enqueueMail } from '../../mail/outbox.ts';
import { lockRoundShared } from '../ledger/index.ts';
import { reminderMail } from './mail.ts';

const DAY_MS = 86_400_000;

type Log = { error: (details: object, message: string) => void };

export type RemindersService = ReturnType<typeof makeRemindersService>;

export function makeRemindersService({ db, now, publicUrl, log }: { db: Db; now: () => Date; publicUrl: string; log: Log }) {
  return {
    /**
     * The day before a round closes, each participant with money left gets one e-mail. Exactly
     * once with any number of instances: the conditional UPDATE of `reminded_at` and the queued
     * e-mails commit together. The round's shared lock keeps it clear of the close and of bulk
     * returns, which update the same participants. Returns how many were queued.
     */
    async sendDue(): Promise<number> {
      const at = now();
      const due = await db
        .select({ round: rounds, organisation: organisations })
        .from(rounds)
        .innerJoin(organisations, eq(organisations.id, rounds.organisationId))
        .where(and(eq(rounds.phase, 'funding'), eq(rounds.kind, 'one_off'), gt(rounds.closesAt, at), lte(rounds.closesAt, new Date(at.getTime() + DAY_MS))));
      let queued = 0;
      for (const { round, organisation } of due) {
        const closesAt = round.closesAt;
        if (!closesAt) continue;
        try {
          queued += await db.transaction(async (tx) => {
            await lockRoundShared(tx, round.id);
            const reminded = (await tx.execute(sql`
              UPDATE participants p SET reminded_at = ${at.toISOString()}::timestamptz
              FROM rounds r, memberships m, people pe
              WHERE p.round_id = ${round.id} AND r.id = p.round_id AND r.phase = 'funding'
                AND p.reminded_at IS NULL AND p.allowance_cents > 0 AND p.remaining_cents > 0
                AND m.id = p.membership_id AND m.active AND pe.id = m.person_id AND pe.email IS NOT NULL
              RETURNING pe.email, m.name, p.remaining_cents`)).rows as { email: string; name: string; remaining_cents: number }[];
            if (reminded.length === 0) return 0;
            await enqueueMail(tx, reminded.map((p) => reminderMail({
              to: p.email,
              name: p.name,
              organisation: organisation.name,
              roundTitle: round.title,
              remainingCents: p.remaining_cents,
              currency: round.currency,
              locale: organisation.locale,
              timeZone: organisation.timeZone,
              closesAt,
              url: `${publicUrl}/rounds/${round.id}`,
            })));
            await tx.update(rounds).set({ remindersSentAt: sql`COALESCE(${rounds.remindersSentAt}, ${at.toISOString()}::timestamptz)` }).where(eq(rounds.id, round.id));
            return reminded.length;
          });
        } catch (error) {
          log.error({ err: error, roundId: round.id }, 'reminders failed');
        }
      }
      return queued;
    },
  };
}
