import { and, asc, eq, sql } from 'drizzle-orm';
import { holdsAllowance, majorUnits, minorDigits, type AllowanceList, type FormerParticipant, type GrantResult, type ImportReport, type MemberAllowance, type NewGrant } from '@cagnotte/shared';
import type { Db, Executor } from '../../db/client.ts';
import { allowanceOverrides, memberships, participants, people } from '../../db/schema.ts';
import type { Actor, Round } from '../../domain/model.ts';
import { AppError, badRequest, conflict, notFound } from '../../domain/errors.ts';
import { grantToMany, setAllowance } from '../ledger/index.ts';
import { recordDecision } from '../decisions/record.ts';
import type { Changes } from '../live/changes.ts';
import { parseAllowanceCsv, type ImportLineError } from './allowance-csv.ts';
import { lockRound } from './queries.ts';

export type AllowancesService = ReturnType<typeof makeAllowancesService>;

/** Every active member of the round's organisation with what they get or got there. */
async function readAllowances(tx: Executor, round: Round, membershipId?: string): Promise<MemberAllowance[]> {
  const rows = await tx
    .select({
      membershipId: memberships.id,
      name: memberships.name,
      email: people.email,
      role: memberships.role,
      eligible: memberships.eligible,
      overrideCents: allowanceOverrides.amountCents,
      allowanceCents: participants.allowanceCents,
      allocatedCents: participants.allocatedCents,
    })
    .from(memberships)
    .innerJoin(people, eq(people.id, memberships.personId))
    .leftJoin(allowanceOverrides, and(eq(allowanceOverrides.roundId, round.id), eq(allowanceOverrides.membershipId, memberships.id)))
    .leftJoin(participants, and(eq(participants.roundId, round.id), eq(participants.membershipId, memberships.id)))
    .where(and(eq(memberships.organisationId, round.organisationId), eq(memberships.active, true), membershipId ? eq(memberships.id, membershipId) : undefined))
    .orderBy(asc(sql`lower(${memberships.name})`), asc(memberships.id));
  return rows.map((row) => {
    const holds = holdsAllowance({ ...row, active: true }, round.allowanceHolders);
    return {
      ...row,
      holdsAllowance: holds,
      defaultCents: round.defaultAllowanceCents,
      plannedCents: holds ? (row.overrideCents ?? round.defaultAllowanceCents) : 0,
    };
  });
}

/**
 * Deactivated members whose money is still in the round's projects: it stays there until an admin
 * returns it (closing's return-allocations), except what a permanent round has committed.
 */
async function readFormerParticipants(tx: Executor, round: Round): Promise<FormerParticipant[]> {
  const { rows } = await tx.execute<{ membership_id: string; name: string; allocated_cents: number; returnable_cents: number }>(sql`
    SELECT m.id AS membership_id, m.name, p.allocated_cents,
      COALESCE(SUM(a.amount_cents) FILTER (WHERE NOT cagnotte_money_committed(r.kind, b.status, b.funded_cents, b.min_cents)), 0)::bigint AS returnable_cents
    FROM participants p
    JOIN memberships m ON m.id = p.membership_id AND NOT m.active
    JOIN rounds r ON r.id = p.round_id
    LEFT JOIN allocations a ON a.participant_id = p.id AND a.amount_cents > 0
    LEFT JOIN buckets b ON b.id = a.bucket_id
    WHERE p.round_id = ${round.id} AND p.allocated_cents > 0
    GROUP BY m.id, m.name, p.allocated_cents
    ORDER BY lower(m.name), m.id`);
  return rows.map((row) => ({ membershipId: row.membership_id, name: row.name, allocatedCents: Number(row.allocated_cents), returnableCents: Number(row.returnable_cents) }));
}

/**
 * Whether an allowance may be set for this member in this round: they hold one under the
 * round's rule, or they already hold one there (granted before their eligibility changed,
 * which moves no money by itself: an override may still take it back).
 */
async function mayHoldAllowance(tx: Executor, round: Round, membershipIds: string[]): Promise<Map<string, boolean>> {
  if (membershipIds.length === 0) return new Map();
  const found = await tx
    .select({ id: memberships.id, role: memberships.role, eligible: memberships.eligible, participantId: participants.id })
    .from(memberships)
    .leftJoin(participants, and(eq(participants.roundId, round.id), eq(participants.membershipId, memberships.id)))
    .where(and(sql`${memberships.id} = ANY(${sql.param(membershipIds)}::uuid[])`, eq(memberships.organisationId, round.organisationId), eq(memberships.active, true)));
  return new Map(found.map((m) => [m.id, m.participantId !== null || holdsAllowance({ ...m, active: true }, round.allowanceHolders)]));
}

const holderRule = (round: Round) =>
  round.allowanceHolders === 'eligible_members' ? 'only members marked eligible hold one' : 'staff hold one only if marked eligible';

const notHolder = (round: Round, extra: Record<string, unknown> = {}) =>
  conflict('not_allowance_holder', `This member holds no allowance in this round: ${holderRule(round)}.`, { allowanceHolders: round.allowanceHolders, ...extra });

/** 404 for someone who is not an active member here, 409 for a member who holds no allowance in this round. */
async function requireHolder(tx: Executor, round: Round, membershipId: string): Promise<void> {
  const may = (await mayHoldAllowance(tx, round, [membershipId])).get(membershipId);
  if (may === undefined) throw notFound('member');
  if (!may) throw notHolder(round);
}

/** E-mail (lowercase) to membership, for the active members of an organisation among `emails`. */
async function activeMembersByEmail(tx: Executor, organisationId: string, emails: string[]): Promise<Map<string, string>> {
  if (emails.length === 0) return new Map();
  const found = await tx
    .select({ membershipId: memberships.id, email: sql<string>`lower(${people.email})` })
    .from(memberships)
    .innerJoin(people, eq(people.id, memberships.personId))
    .where(and(eq(memberships.organisationId, organisationId), eq(memberships.active, true), sql`lower(${people.email}) = ANY(${sql.param(emails)}::text[])`));
  return new Map(found.map((f) => [f.email, f.membershipId]));
}

function refuseClosed(round: Round): void {
  if (round.phase === 'closed') throw conflict('round_closed', 'This round is closed; allowances can no longer change.');
}

class ImportRefused extends Error {
  constructor(readonly errors: ImportLineError[]) {
    super('import refused');
  }
}

/**
 * Allowances per member. Before funding an override only sits in `allowance_overrides`, and
 * opening funding grants it; during funding the override also moves the real allowance through
 * the ledger, in the same transaction. Every write locks the round row first, so it is ordered
 * with the phase change and never falls between the override and the grant.
 */
export function makeAllowancesService({ db, now, changes }: { db: Db; now: () => Date; changes: Changes }) {
  async function upsertOverrides(tx: Executor, round: Round, actor: Actor, rows: { membershipId: string; amountCents: number }[]): Promise<void> {
    if (rows.length === 0) return;
    await tx
      .insert(allowanceOverrides)
      .values(rows.map((row) => ({ roundId: round.id, membershipId: row.membershipId, amountCents: row.amountCents, setBy: actor.membershipId, updatedAt: now() })))
      .onConflictDoUpdate({
        target: [allowanceOverrides.roundId, allowanceOverrides.membershipId],
        set: { amountCents: sql`excluded.amount_cents`, setBy: actor.membershipId, updatedAt: now() },
      });
  }

  const announce = (roundId: string, membershipIds: string[]) => {
    if (membershipIds.length > 0) changes.emit({ roundId, membershipIds });
  };

  return {
    async list(round: Round): Promise<AllowanceList> {
      return { allowances: await readAllowances(db, round), formerParticipants: await readFormerParticipants(db, round) };
    },

    async set(actor: Actor, roundId: string, membershipId: string, amountCents: number): Promise<MemberAllowance> {
      const result = await db.transaction(async (tx) => {
        const round = await lockRound(tx, roundId);
        refuseClosed(round);
        await requireHolder(tx, round, membershipId);
        await upsertOverrides(tx, round, actor, [{ membershipId, amountCents }]);
        if (round.phase === 'funding') {
          await setAllowance(tx, { round, membershipId, amountCents, enteredBy: actor.membershipId, reason: 'allowance override' });
        }
        const [row] = await readAllowances(tx, round, membershipId);
        if (!row) throw notFound('member');
        return { round, row };
      });
      if (result.round.phase === 'funding') announce(roundId, [membershipId]);
      return result.row;
    },

    /** Back to the round's default; during funding the allowance follows. Repeating it is harmless. */
    async reset(actor: Actor, roundId: string, membershipId: string): Promise<void> {
      const round = await db.transaction(async (tx) => {
        const locked = await lockRound(tx, roundId);
        refuseClosed(locked);
        const may = (await mayHoldAllowance(tx, locked, [membershipId])).get(membershipId);
        if (may === undefined) throw notFound('member');
        await tx.delete(allowanceOverrides).where(and(eq(allowanceOverrides.roundId, roundId), eq(allowanceOverrides.membershipId, membershipId)));
        if (locked.phase === 'funding' && may) {
          await setAllowance(tx, { round: locked, membershipId, amountCents: locked.defaultAllowanceCents, enteredBy: actor.membershipId, reason: 'allowance override removed' });
        }
        return locked;
      });
      if (round.phase === 'funding') announce(roundId, [membershipId]);
    },

    /**
     * All or nothing: the file is checked line by line (format, duplicates, membership, and
     * during funding whether the member already allocated more than the new amount); any error
     * refuses the whole file with a 400 `import_failed` naming each bad line.
     */
    async importCsv(actor: Actor, roundId: string, csv: string): Promise<ImportReport> {
      const result = await db
        .transaction(async (tx) => {
          const round = await lockRound(tx, roundId);
          refuseClosed(round);
          const funding = round.phase === 'funding';
          const parsed = parseAllowanceCsv(csv, minorDigits(round.currency));
          const errors = [...parsed.errors];
          const membershipOf = await activeMembersByEmail(tx, round.organisationId, parsed.rows.map((row) => row.email));
          const holders = await mayHoldAllowance(tx, round, [...membershipOf.values()]);
          const rows: { line: number; membershipId: string; amountCents: number }[] = [];
          for (const row of parsed.rows) {
            const membershipId = membershipOf.get(row.email);
            if (!membershipId) errors.push({ line: row.line, message: `${row.email} is not an active member of this organisation` });
            else if (!holders.get(membershipId)) errors.push({ line: row.line, message: `${row.email} holds no allowance in this round (${holderRule(round)})` });
            else rows.push({ line: row.line, membershipId, amountCents: row.amountCents });
          }
          if (errors.length > 0) throw new ImportRefused(errors);
          await upsertOverrides(tx, round, actor, rows);
          if (funding) {
            for (const row of rows) {
              try {
                // A savepoint per line, so one refusal does not poison the transaction.
                await tx.transaction((sp) => setAllowance(sp, { round, membershipId: row.membershipId, amountCents: row.amountCents, enteredBy: actor.membershipId, reason: 'allowance import' }));
              } catch (error) {
                if (!(error instanceof AppError) || error.code !== 'allowance_below_allocated') throw error;
                const allocated = error.extra.allocatedCents;
                const spent = typeof allocated === 'number' ? `${majorUnits(allocated, round.currency, 'en')} ${round.currency}` : 'more';
                errors.push({ line: row.line, message: `this member already allocated ${spent}, more than the new amount` });
              }
            }
            if (errors.length > 0) throw new ImportRefused(errors);
          }
          return { funding, membershipIds: rows.map((row) => row.membershipId) };
        })
        .catch((error: unknown) => {
          if (!(error instanceof ImportRefused)) throw error;
          const errors = error.errors.sort((a, b) => a.line - b.line);
          const lines = [...new Set(errors.map((e) => e.line))];
          throw badRequest('import_failed', `Nothing was imported: ${lines.length === 1 ? 'line' : 'lines'} ${lines.join(', ')} must be corrected.`, { imported: 0, errors });
        });
      if (result.funding) announce(roundId, result.membershipIds);
      return { imported: result.membershipIds.length, errors: [] };
    },

    /**
     * Adds to allowances during funding (the yearly top-up of a permanent round): every active
     * participant, or the members named. One decision records it in the round's history.
     */
    async grant(actor: Actor, roundId: string, input: NewGrant): Promise<GrantResult> {
      const membershipIds = await db.transaction(async (tx) => {
        const round = await lockRound(tx, roundId);
        if (round.phase !== 'funding') throw conflict('round_not_funding', 'Allowances can be topped up only while the round is in funding.', { phase: round.phase });
        const targets = input.membershipIds
          ? [...new Set(input.membershipIds)]
          : (
              await tx
                .select({ id: participants.membershipId })
                .from(participants)
                .innerJoin(memberships, eq(memberships.id, participants.membershipId))
                .where(and(eq(participants.roundId, round.id), eq(memberships.active, true)))
                .orderBy(asc(participants.membershipId))
            ).map((row) => row.id);
        if (input.membershipIds) {
          const holders = await mayHoldAllowance(tx, round, targets);
          const unknown = targets.filter((id) => !holders.has(id));
          if (unknown.length > 0) throw notFound(`member ${unknown.join(', ')}`);
          const refused = targets.filter((id) => holders.get(id) === false);
          if (refused.length > 0) throw notHolder(round, { membershipIds: refused });
        }
        await grantToMany(tx, { round, membershipIds: targets, deltaCents: input.amountCents, enteredBy: actor.membershipId, reason: input.reason });
        await recordDecision(tx, {
          roundId,
          kind: 'allowance_granted',
          actorId: actor.membershipId,
          reason: input.reason,
          data: { amountCents: input.amountCents, members: targets.length, ...(input.membershipIds ? { membershipIds: targets } : {}) },
        });
        return targets;
      });
      announce(roundId, membershipIds);
      return { amountCents: input.amountCents, membershipIds };
    },
  };
}
