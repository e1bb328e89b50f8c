import { and, count, eq, isNull, sql } from 'drizzle-orm';
import type { ImportReport, Member, MemberList, MemberPatch, Role } from '@cagnotte/shared';
import type { Db, Executor } from '../../db/client.ts';
import { magicLinks, memberships, organisations, outbox, people, sessions } from '../../db/schema.ts';
import type { Actor } from '../../domain/model.ts';
import { badRequest, conflict, notFound } from '../../domain/errors.ts';
import { enqueueMail } from '../../mail/outbox.ts';
import type { Changes } from '../live/changes.ts';
import { welcomeToFundingRounds } from '../ledger/index.ts';
import { parseMembersCsv, type ImportLineError, type ImportRow } from './csv.ts';
import {
  insertMemberships,
  insertPeople,
  listMembers,
  lockOrganisations,
  memberRow,
  membershipsOf,
  otherActiveAdmins,
  peopleByEmail,
  slices,
  takenMemberNumbers,
  toMember,
} from './queries.ts';
import { applyPatch, ERASED_NAME, removesActiveAdmin, seesEmails, seesFormerMembers } from './rules.ts';
import { welcomeMail } from './welcome-mail.ts';

type Candidate = { email: string; name: string; role: Role; eligible: boolean; memberNumber: string | null };
type Organisation = typeof organisations.$inferSelect;
type Existing = { membershipId: string; active: boolean };

export type MembersService = ReturnType<typeof makeMembersService>;

export function makeMembersService(deps: { db: Db; now: () => Date; publicUrl: string; changes: Pick<Changes, 'emit'> }) {
  const { db, now } = deps;

  async function organisation(tx: Executor, organisationId: string): Promise<Organisation> {
    const [org] = await tx.select().from(organisations).where(eq(organisations.id, organisationId));
    if (!org) throw notFound('organisation');
    return org;
  }

  /** Which candidates already have a membership here (by case-insensitive e-mail), and the people to reuse. */
  async function findExisting(tx: Executor, organisationId: string, candidates: Candidate[]) {
    const known = await peopleByEmail(tx, candidates.map((c) => c.email));
    const existing = await membershipsOf(tx, organisationId, [...known.values()].map((p) => p.id));
    const membershipOf = (email: string): Existing | undefined => {
      const person = known.get(email);
      const membership = person && existing.get(person.id);
      return membership && { membershipId: membership.id, active: membership.active };
    };
    return { known, membershipOf };
  }

  /**
   * Inserts the memberships under the name this organisation gave (and the people not known
   * yet), queues each a welcome e-mail, and gives them their allowance in the rounds now
   * funding. A known person is reused by e-mail, but nothing another organisation recorded
   * about them (their name there) is read or shown here.
   */
  async function insertMembers(
    tx: Executor,
    org: Organisation,
    candidates: Candidate[],
    known: Map<string, typeof people.$inferSelect>,
    enteredBy: string | null,
  ): Promise<{ membershipIds: string[]; roundIds: string[] }> {
    if (candidates.length === 0) return { membershipIds: [], roundIds: [] };
    const personOf = new Map<string, { id: string; email: string | null }>(known);
    for (const person of await insertPeople(tx, candidates.filter((c) => !known.has(c.email)))) {
      personOf.set((person.email ?? '').toLowerCase(), person);
    }
    const values = candidates.map((c) => {
      const person = personOf.get(c.email);
      if (!person) throw new Error(`no person for ${c.email}`);
      return { personId: person.id, name: c.name, role: c.role, email: c.email, eligible: c.eligible, memberNumber: c.memberNumber };
    });
    const membershipIds = await insertMemberships(tx, org.id, values);
    for (const slice of slices(values)) {
      await enqueueMail(
        tx,
        slice.map(({ email, name }) =>
          welcomeMail({ to: email, name, organisation: org.name, locale: org.locale, publicUrl: deps.publicUrl }),
        ),
      );
    }
    const { roundIds } = await welcomeToFundingRounds(tx, { organisationId: org.id, membershipIds, enteredBy });
    return { membershipIds, roundIds };
  }

  function announce(roundIds: string[], membershipIds: string[]): void {
    for (const roundId of roundIds) deps.changes.emit({ roundId, membershipIds });
  }

  function alreadyMember(email: string, existing: Existing) {
    return existing.active
      ? conflict('already_member', `${email} is already a member of this organisation.`, { membershipId: existing.membershipId })
      : conflict('membership_inactive', `${email} is a former member of this organisation: reactivate their membership instead.`, {
          membershipId: existing.membershipId,
        });
  }

  const numberTaken = (number: string) =>
    conflict('member_number_taken', `The member number ${number} is already another member’s in this organisation.`, { memberNumber: number });

  async function readMember(tx: Executor, organisationId: string, membershipId: string) {
    const row = await memberRow(tx, organisationId, membershipId);
    if (!row) throw notFound('member');
    return row;
  }

  return {
    async list(actor: Actor, query: { active?: boolean; role?: Role; limit: number; offset: number }): Promise<MemberList> {
      if (!seesFormerMembers(actor.role) && query.active === false) return { members: [], total: 0 };
      const active = seesFormerMembers(actor.role) ? query.active : true;
      const { rows, total } = await listMembers(db, actor.organisationId, { ...query, active });
      return { members: rows.map((r) => toMember(r, seesEmails(actor.role))), total };
    },

    async add(actor: Actor, input: Candidate): Promise<Member> {
      const result = await db.transaction(async (tx) => {
        const org = await organisation(tx, actor.organisationId);
        const { known, membershipOf } = await findExisting(tx, org.id, [input]);
        const existing = membershipOf(input.email);
        if (existing) throw alreadyMember(input.email, existing);
        if (input.memberNumber && (await takenMemberNumbers(tx, org.id, [input.memberNumber])).size > 0) throw numberTaken(input.memberNumber);
        const added = await insertMembers(tx, org, [input], known, actor.membershipId);
        const [membershipId] = added.membershipIds;
        if (!membershipId) throw new Error('membership insert returned nothing');
        return { ...added, member: await readMember(tx, org.id, membershipId) };
      });
      announce(result.roundIds, result.membershipIds);
      return toMember(result.member, true);
    },

    /**
     * All or nothing: every line is checked (in the file, then against the organisation) before
     * anything is written; any error refuses the whole file with a 400 `import_failed` naming
     * each bad line. `enteredBy` is the admin, or null from the command line.
     */
    async importCsv(organisationId: string, csv: string, enteredBy: string | null): Promise<ImportReport> {
      const parsed = parseMembersCsv(csv);
      const result = await db.transaction(async (tx) => {
        const org = await organisation(tx, organisationId);
        const errors: ImportLineError[] = [...parsed.errors];
        const { known, membershipOf } = await findExisting(tx, org.id, parsed.rows);
        for (const row of parsed.rows) {
          const existing = membershipOf(row.email);
          if (!existing) continue;
          errors.push({
            line: row.line,
            message: existing.active
              ? `${row.email} is already a member of this organisation`
              : `${row.email} is a former member of this organisation: reactivate their membership instead`,
          });
        }
        const numbers = parsed.rows.flatMap((row) => (row.memberNumber === null ? [] : [row.memberNumber]));
        const taken = await takenMemberNumbers(tx, org.id, numbers);
        for (const row of parsed.rows) {
          if (row.memberNumber !== null && taken.has(row.memberNumber)) {
            errors.push({ line: row.line, message: `the member number ${row.memberNumber} is already another member’s in this organisation` });
          }
        }
        if (errors.length > 0) {
          errors.sort((a, b) => a.line - b.line);
          const lines = [...new Set(errors.map((e) => e.line))];
          throw badRequest('import_failed', `Nothing was imported: ${lines.length === 1 ? 'line' : 'lines'} ${lines.join(', ')} must be corrected.`, {
            imported: 0,
            errors,
          });
        }
        const candidates = parsed.rows.map(({ email, name, role, eligible, memberNumber }: ImportRow) => ({ email, name, role, eligible, memberNumber }));
        return insertMembers(tx, org, candidates, known, enteredBy);
      });
      announce(result.roundIds, result.membershipIds);
      return { imported: result.membershipIds.length, errors: [] };
    },

    /**
     * Role change, eligibility, member number, deactivation (history stays) or reactivation;
     * never leaves the organisation without an active admin. A change that makes an active
     * member hold an allowance in a round now funding grants it there at once.
     */
    async update(actor: Actor, membershipId: string, patch: MemberPatch): Promise<Member> {
      const result = await db.transaction(async (tx) => {
        await lockOrganisations(tx, [actor.organisationId]);
        const before = await readMember(tx, actor.organisationId, membershipId);
        const after = applyPatch(before, patch);
        if (after.active && !before.active && before.erasedAt) {
          throw conflict('member_erased', 'This person’s personal data was erased; their membership cannot be reactivated.');
        }
        if (removesActiveAdmin(before, after) && (await otherActiveAdmins(tx, actor.organisationId, before.personId)) === 0) {
          throw conflict('last_admin', 'This is the last active admin of the organisation: make someone else admin first.');
        }
        if (patch.memberNumber && (await takenMemberNumbers(tx, actor.organisationId, [patch.memberNumber], membershipId)).size > 0) {
          throw numberTaken(patch.memberNumber);
        }
        await tx
          .update(memberships)
          .set({
            role: after.role,
            active: after.active,
            deactivatedAt: after.active ? null : (before.deactivatedAt ?? now()),
            ...(patch.eligible === undefined ? {} : { eligible: patch.eligible }),
            ...(patch.memberNumber === undefined ? {} : { memberNumber: patch.memberNumber }),
          })
          .where(eq(memberships.id, membershipId));
        // A member deactivated before a round opened its funding has no allowance there yet; one
        // marked eligible or given another role may hold one now. Granting is idempotent and
        // follows each round's rule, so asking is harmless.
        const mayNowHold = after.active && (!before.active || (patch.eligible === true && !before.eligible) || after.role !== before.role);
        const { roundIds } = mayNowHold
          ? await welcomeToFundingRounds(tx, { organisationId: actor.organisationId, membershipIds: [membershipId], enteredBy: actor.membershipId })
          : { roundIds: [] };
        return { roundIds, member: await readMember(tx, actor.organisationId, membershipId) };
      });
      announce(result.roundIds, [membershipId]);
      return toMember(result.member, true);
    },

    /**
     * GDPR erasure, within the caller's organisation only: an admin's power stops there. This
     * membership's name becomes the neutral one, its e-mail is no longer shown here, it is
     * deactivated for good. The person's identity (name, e-mail), their sessions, unused sign-in
     * links and queued e-mails go too only when no other organisation still holds a membership
     * of theirs that is not erased; otherwise those organisations keep what they recorded and
     * the person stays signed in there. Ids stay in every record (allocations, ledger,
     * comments), which then show the neutral name. Repeating it changes nothing.
     */
    async erase(actor: Actor, membershipId: string): Promise<Member> {
      const member = await db.transaction(async (tx) => {
        await lockOrganisations(tx, [actor.organisationId]);
        const target = await readMember(tx, actor.organisationId, membershipId);
        if (target.personId === actor.personId) {
          throw conflict('cannot_erase_self', 'You cannot erase your own personal data here; ask another admin.');
        }
        if (target.erasedAt) return target;
        if (target.active && target.role === 'admin' && (await otherActiveAdmins(tx, actor.organisationId, target.personId)) === 0) {
          throw conflict('last_admin', 'This is the last active admin of the organisation: make someone else admin first.');
        }
        const at = now();
        await tx
          .update(memberships)
          // A member number points at the person in the organisation's own register: it goes too.
          .set({ name: ERASED_NAME, memberNumber: null, active: false, deactivatedAt: target.deactivatedAt ?? at, erasedAt: at })
          .where(eq(memberships.id, membershipId));
        const [elsewhere] = await tx
          .select({ n: count() })
          .from(memberships)
          .where(and(eq(memberships.personId, target.personId), isNull(memberships.erasedAt)));
        if ((elsewhere?.n ?? 0) === 0) {
          const [person] = await tx.select({ email: people.email }).from(people).where(eq(people.id, target.personId));
          await tx.update(people).set({ name: ERASED_NAME, email: null, erasedAt: at }).where(eq(people.id, target.personId));
          await tx.update(sessions).set({ revokedAt: at }).where(and(eq(sessions.personId, target.personId), isNull(sessions.revokedAt)));
          await tx.delete(magicLinks).where(and(eq(magicLinks.personId, target.personId), isNull(magicLinks.usedAt)));
          if (person?.email) await tx.delete(outbox).where(sql`lower(${outbox.to}) = ${person.email.toLowerCase()}`);
        }
        return readMember(tx, actor.organisationId, membershipId);
      });
      return toMember(member, true);
    },
  };
}
