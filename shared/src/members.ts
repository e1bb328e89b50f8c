import { z } from 'zod';
import { Email, Id, ImportLineError, Name, Role, Timestamp } from './common.ts';
import { Problem } from './problem.ts';

export const MemberParams = z.object({ orgId: Id, membershipId: Id });

const QueryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');

export const MemberListQuery = z.object({
  active: QueryBoolean.optional(),
  role: Role.optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
  offset: z.coerce.number().int().min(0).default(0),
});

export const Member = z
  .object({
    membershipId: Id,
    personId: Id,
    /** The name this organisation gave; "Erased member" once this membership is erased. */
    name: z.string(),
    /** Absent for callers with the role `member`; null once this membership is erased. */
    email: z.string().nullable().optional(),
    role: Role,
    active: z.boolean(),
    deactivatedAt: Timestamp.nullable(),
    erased: z.boolean(),
    joinedAt: Timestamp,
  })
  .meta({
    id: 'Member',
    description:
      'A membership and its person. Admins, reviewers and accountants see every membership with e-mail addresses; ' +
      'members with the role `member` see active memberships only, with names and roles but no e-mail.',
  });
export type Member = z.infer<typeof Member>;

export const MemberList = z
  .object({
    members: z.array(Member),
    /** How many memberships match the filters, whatever the page. */
    total: z.number().int(),
  })
  .meta({ id: 'MemberList' });
export type MemberList = z.infer<typeof MemberList>;

/** A person is one e-mail across organisations: a known e-mail reuses that person; `name` is how this organisation knows them. */
export const NewMember = z.object({ email: Email, name: Name, role: Role.default('member') });
export type NewMember = z.input<typeof NewMember>;

export const MemberPatch = z.object({ role: Role.optional(), active: z.boolean().optional() });
export type MemberPatch = z.infer<typeof MemberPatch>;

/** The 400 of a refused CSV import: nothing was imported; `errors` names each bad line (header = line 1). */
export const ImportFailed = Problem.extend({ imported: z.literal(0), errors: z.array(ImportLineError) }).meta({ id: 'ImportFailed' });
export type ImportFailed = z.infer<typeof ImportFailed>;
