import { and, desc, eq, ne } from 'drizzle-orm';
import { ROUND_DATE_FIELDS, type NewRound, type Round as RoundReply, type RoundDateField, type RoundPatch } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import { rounds } from '../../db/schema.ts';
import type { Actor, Round } from '../../domain/model.ts';
import { badRequest, conflict, notFound } from '../../domain/errors.ts';
import type { Changes } from '../live/changes.ts';
import { instantFrom } from './local-time.ts';
import { lockRound, organisationOf, toRoundReply } from './queries.ts';
import { changedSettings, editRefusal, settingsErrors, type FieldError, type RoundSettings } from './rules.ts';

export type RoundsService = ReturnType<typeof makeRoundsService>;

/** Dates as sent (with an offset, or local to the organisation) to instants; absent stays absent. */
function resolveDates(input: Partial<Record<RoundDateField, string | null>>, timeZone: string): Partial<Record<RoundDateField, Date | null>> {
  const resolved: Partial<Record<RoundDateField, Date | null>> = {};
  for (const field of ROUND_DATE_FIELDS) {
    const value = input[field];
    if (value !== undefined) resolved[field] = value === null ? null : instantFrom(value, timeZone);
  }
  return resolved;
}

/** The other fields, without the dates as sent (they are resolved apart). */
function withoutDates<T extends Partial<Record<RoundDateField, unknown>>>(input: T): Omit<T, RoundDateField> {
  const { proposalsOpenAt: _p, fundingOpensAt: _f, closesAt: _c, presentationAt: _pr, boardMeetingAt: _b, ...rest } = input;
  return rest;
}

function refuseInvalid(errors: FieldError[]): void {
  if (errors.length > 0) {
    throw badRequest('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
}

/** A draft is being prepared: only admins see it; for anyone else it does not exist. */
export function isVisibleTo(round: Round, role: Actor['role'] | null): boolean {
  return round.phase !== 'draft' || role === 'admin';
}

export function makeRoundsService({ db, now, changes }: { db: Db; now: () => Date; changes: Changes }) {
  return {
    async create(actor: Actor, input: NewRound): Promise<RoundReply> {
      const org = await organisationOf(db, actor.organisationId);
      const dates = resolveDates(input, org.timeZone);
      const settings = {
        ...withoutDates(input),
        ...Object.fromEntries(ROUND_DATE_FIELDS.map((field) => [field, dates[field] ?? null])) as Record<RoundDateField, Date | null>,
        currency: input.currency ?? org.currency,
      };
      refuseInvalid(settingsErrors(settings));
      const [round] = await db
        .insert(rounds)
        .values({ ...settings, organisationId: org.id, phase: 'draft', createdAt: now(), updatedAt: now() })
        .returning();
      if (!round) throw new Error('round insert returned nothing');
      return toRoundReply(round);
    },

    async list(actor: Actor): Promise<RoundReply[]> {
      const rows = await db
        .select()
        .from(rounds)
        .where(and(eq(rounds.organisationId, actor.organisationId), actor.role === 'admin' ? undefined : ne(rounds.phase, 'draft')))
        .orderBy(desc(rounds.createdAt), desc(rounds.id));
      return rows.map(toRoundReply);
    },

    get(round: Round, role: Actor['role'] | null): RoundReply {
      if (!isVisibleTo(round, role)) throw notFound('round');
      return toRoundReply(round);
    },

    /**
     * Only the fields that actually change are checked against the phase, so a form sent whole
     * during funding is fine as long as the frozen rules are sent as they are.
     */
    async update(roundId: string, patch: RoundPatch): Promise<RoundReply> {
      const result = await db.transaction(async (tx) => {
        const current = await lockRound(tx, roundId);
        const org = await organisationOf(tx, current.organisationId);
        const next: Partial<RoundSettings> = { ...withoutDates(patch), ...resolveDates(patch, org.timeZone) };
        const changed = changedSettings(current, next);
        const refusal = editRefusal(current.phase, changed);
        if (refusal) throw conflict(refusal.code, refusal.detail, refusal.fields ? { fields: refusal.fields } : undefined);
        if (changed.length === 0) return { round: current, changed: false };
        const merged = { ...current, ...next };
        refuseInvalid(settingsErrors(merged));
        const [round] = await tx
          .update(rounds)
          .set({ ...Object.fromEntries(changed.map((name) => [name, next[name]])), updatedAt: now() })
          .where(eq(rounds.id, roundId))
          .returning();
        if (!round) throw notFound('round');
        return { round, changed: true };
      });
      if (result.changed) changes.emit({ roundId, round: true });
      return toRoundReply(result.round);
    },
  };
}
