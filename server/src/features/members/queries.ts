import { and, asc, count, eq, inArray, isNull, ne, sql, type SQL } from 'drizzle-orm';
import type { Member, Role } from '@cagnotte/shared';
import type { Executor } from '../../db/client.ts';
import { memberships, organisations, people } from '../../db/schema.ts';

/**
 * The e-mail an organisation sees for one of its memberships: none once that membership is
 * erased, even while the person still belongs to another organisation that keeps it.
 */
export const visibleEmail = sql<string | null>`case when ${memberships.erasedAt} is null then ${people.email} end`;

const memberColumns = {
  membershipId: memberships.id,
  personId: people.id,
  name: memberships.name,
  email: visibleEmail,
  role: memberships.role,
  active: memberships.active,
  eligible: memberships.eligible,
  memberNumber: memberships.memberNumber,
  deactivatedAt: memberships.deactivatedAt,
  erasedAt: memberships.erasedAt,
  createdAt: memberships.createdAt,
};

export type MemberRow = {
  membershipId: string;
  personId: string;
  name: string;
  email: string | null;
  role: Role;
  active: boolean;
  eligible: boolean;
  memberNumber: string | null;
  deactivatedAt: Date | null;
  erasedAt: Date | null;
  createdAt: Date;
};

export function toMember(row: MemberRow, withEmail: boolean): Member {
  return {
    membershipId: row.membershipId,
    personId: row.personId,
    name: row.name,
    ...(withEmail ? { email: row.email } : {}),
    role: row.role,
    active: row.active,
    eligible: row.eligible,
    ...(withEmail ? { memberNumber: row.memberNumber } : {}),
    deactivatedAt: row.deactivatedAt?.toISOString() ?? null,
    erased: row.erasedAt !== null,
    joinedAt: row.createdAt.toISOString(),
  };
}

export async function memberRow(tx: Executor, organisationId: string, membershipId: string): Promise<MemberRow | undefined> {
  const [row] = await tx
    .select(memberColumns)
    .from(memberships)
    .innerJoin(people, eq(people.id, memberships.personId))
    .where(and(eq(memberships.organisationId, organisationId), eq(memberships.id, membershipId)));
  return row;
}

export async function listMembers(
  tx: Executor,
  organisationId: string,
  filters: { active?: boolean; role?: Role; limit: number; offset: number },
): Promise<{ rows: MemberRow[]; total: number }> {
  const conditions: SQL[] = [eq(memberships.organisationId, organisationId)];
  if (filters.active !== undefined) conditions.push(eq(memberships.active, filters.active));
  if (filters.role) conditions.push(eq(memberships.role, filters.role));
  const where = and(...conditions);
  const rows = await tx
    .select(memberColumns)
    .from(memberships)
    .innerJoin(people, eq(people.id, memberships.personId))
    .where(where)
    .orderBy(asc(sql`lower(${memberships.name})`), asc(memberships.id))
    .limit(filters.limit)
    .offset(filters.offset);
  const [counted] = await tx.select({ total: count() }).from(memberships).where(where);
  return { rows, total: counted?.total ?? 0 };
}

/** People already known by these (lower-case) e-mails, keyed by lower-case e-mail. */
export async function peopleByEmail(tx: Executor, emails: string[]) {
  if (emails.length === 0) return new Map<string, typeof people.$inferSelect>();
  // One array parameter, not one per e-mail: an import may hold tens of thousands.
  const rows = await tx.select().from(people).where(sql`lower(${people.email}) = ANY(${sql.param(emails)}::text[])`);
  return new Map(rows.map((p) => [(p.email ?? '').toLowerCase(), p]));
}

/** Memberships these people already have in the organisation, active or not (erased ones aside), keyed by person. */
export async function membershipsOf(tx: Executor, organisationId: string, personIds: string[]) {
  if (personIds.length === 0) return new Map<string, typeof memberships.$inferSelect>();
  const rows = await tx
    .select()
    .from(memberships)
    .where(
      and(
        eq(memberships.organisationId, organisationId),
        isNull(memberships.erasedAt),
        sql`${memberships.personId} = ANY(${sql.param(personIds)}::uuid[])`,
      ),
    );
  return new Map(rows.map((m) => [m.personId, m]));
}

/**
 * Locks the organisation's row so that changes which could leave it without an admin run one
 * after the other (two admins demoting each other at once would otherwise both succeed).
 * NO KEY UPDATE still lets other transactions insert rows that reference the organisation.
 */
export async function lockOrganisations(tx: Executor, organisationIds: string[]) {
  if (organisationIds.length === 0) return [];
  return tx
    .select()
    .from(organisations)
    .where(inArray(organisations.id, organisationIds))
    .orderBy(asc(organisations.id))
    .for('no key update');
}

export async function otherActiveAdmins(tx: Executor, organisationId: string, exceptPersonId: string): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(memberships)
    .where(
      and(
        eq(memberships.organisationId, organisationId),
        eq(memberships.role, 'admin'),
        eq(memberships.active, true),
        ne(memberships.personId, exceptPersonId),
      ),
    );
  return row?.n ?? 0;
}

/** PostgreSQL takes at most 65,535 parameters per statement; big imports insert in slices. */
export function slices<T>(items: T[], size = 1000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// Imports may bring tens of thousands of rows: one statement over arrays (unnest) instead of a
// parameter per value, which would also pass PostgreSQL's limit of 65,535 parameters.

export async function insertPeople(tx: Executor, rows: { email: string; name: string }[]) {
  if (rows.length === 0) return [];
  const result = await tx.execute<{ id: string; email: string; name: string }>(sql`
    INSERT INTO people (email, name)
    SELECT * FROM unnest(${sql.param(rows.map((r) => r.email))}::text[], ${sql.param(rows.map((r) => r.name))}::text[])
    RETURNING id, email, name`);
  return result.rows;
}

/** Which of these member numbers the organisation already gives to someone. */
export async function takenMemberNumbers(tx: Executor, organisationId: string, numbers: string[], exceptMembershipId?: string): Promise<Set<string>> {
  if (numbers.length === 0) return new Set();
  const rows = await tx
    .select({ number: memberships.memberNumber })
    .from(memberships)
    .where(
      and(
        eq(memberships.organisationId, organisationId),
        sql`${memberships.memberNumber} = ANY(${sql.param(numbers)}::text[])`,
        exceptMembershipId ? ne(memberships.id, exceptMembershipId) : undefined,
      ),
    );
  return new Set(rows.map((r) => r.number ?? ''));
}

/** Returns the new memberships' ids in the order of `rows`; `name` is the one this organisation gave. */
export async function insertMemberships(
  tx: Executor,
  organisationId: string,
  rows: { personId: string; name: string; role: Role; eligible: boolean; memberNumber: string | null }[],
): Promise<string[]> {
  if (rows.length === 0) return [];
  const result = await tx.execute<{ id: string; person_id: string }>(sql`
    INSERT INTO memberships (organisation_id, person_id, name, role, eligible, member_number)
    SELECT ${organisationId}::uuid, person_id, name, role, eligible, member_number
    FROM unnest(
      ${sql.param(rows.map((r) => r.personId))}::uuid[],
      ${sql.param(rows.map((r) => r.name))}::text[],
      ${sql.param(rows.map((r) => r.role))}::role[],
      ${sql.param(rows.map((r) => r.eligible))}::boolean[],
      ${sql.param(rows.map((r) => r.memberNumber))}::text[]
    ) AS u(person_id, name, role, eligible, member_number)
    RETURNING id, person_id`);
  const idOf = new Map(result.rows.map((r) => [r.person_id, r.id]));
  return rows.map((r) => {
    const id = idOf.get(r.personId);
    if (!id) throw new Error(`membership of ${r.personId} not inserted`);
    return id;
  });
}

/** The name this organisation knows a member by (an author's, for what they just wrote). */
export async function memberName(ex: Executor, membershipId: string): Promise<string> {
  const [row] = await ex.select({ name: memberships.name }).from(memberships).where(eq(memberships.id, membershipId));
  return row?.name ?? '';
}
