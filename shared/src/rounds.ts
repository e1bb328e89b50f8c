import { z } from 'zod';
import { Id, OFFSET_MESSAGE, Role, storableDateTime, Timestamp } from './common.ts';
import type { Role as RoleName } from './common.ts';
import { Cents, CurrencyCode } from './money.ts';

/** `vote`: residents vote for projects instead of spreading money (see votes.ts). */
export const RoundKind = z.enum(['one_off', 'permanent', 'vote']);
export type RoundKind = z.infer<typeof RoundKind>;
export const ROUND_PHASES = ['draft', 'proposals', 'funding', 'closed'] as const;
export const RoundPhase = z.enum(ROUND_PHASES);
export type RoundPhase = z.infer<typeof RoundPhase>;
export const ShortfallRule = z.enum(['return', 'board']);
export type ShortfallRule = z.infer<typeof ShortfallRule>;

export const ALLOWANCE_HOLDERS = ['all_members', 'eligible_members'] as const;
/**
 * Who holds an allowance in a round. `all_members`: every active member with the role `member`,
 * and staff (admin, reviewer, accountant) only if marked `eligible`. `eligible_members`: only
 * active members marked `eligible`, whatever their role. Proposing and commenting stay open to
 * every active member either way.
 */
export const AllowanceHolders = z.enum(ALLOWANCE_HOLDERS).meta({
  description:
    'Who holds an allowance. `all_members`: every active member with the role `member`, plus staff (admin, reviewer, ' +
    'accountant) marked `eligible`. `eligible_members`: only active members marked `eligible`, whatever their role. ' +
    'Proposing and commenting stay open to every active member.',
});
export type AllowanceHolders = z.infer<typeof AllowanceHolders>;

/** The one rule of who holds an allowance (the server applies the same in SQL: features/ledger/holders.ts). */
export function holdsAllowance(member: { role: RoleName; eligible: boolean; active: boolean }, holders: AllowanceHolders): boolean {
  if (!member.active) return false;
  if (member.eligible) return true;
  return holders === 'all_members' && member.role === 'member';
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** True when the date and time written exist on a calendar (no 30 February, no 25:00). */
function realCalendarDate(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const probe = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day && probe.getUTCHours() === hour && hour < 24 && minute < 60 && second < 60;
}

/**
 * A date and time as a person writes it: ISO 8601 with an offset ("2026-12-01T18:00:00+01:00",
 * "…Z"), or a local date-time without one ("2026-12-01T18:00"), read in the organisation's time
 * zone. Replies always carry UTC instants.
 */
export const DateTimeInput = z
  .string()
  .regex(DATE_TIME, 'must be an ISO 8601 date-time such as 2026-12-01T18:00 (organisation time) or 2026-12-01T18:00:00+01:00')
  .refine(realCalendarDate, 'is not a real date and time')
  .refine(storableDateTime, OFFSET_MESSAGE);

const title = z.string().trim().min(1).max(200);
const description = z.string().max(20_000);

const RoundDates = {
  proposalsOpenAt: DateTimeInput.nullable(),
  fundingOpensAt: DateTimeInput.nullable(),
  closesAt: DateTimeInput.nullable(),
  presentationAt: DateTimeInput.nullable(),
  boardMeetingAt: DateTimeInput.nullable(),
};
export const ROUND_DATE_FIELDS = ['proposalsOpenAt', 'fundingOpensAt', 'closesAt', 'presentationAt', 'boardMeetingAt'] as const;
export type RoundDateField = (typeof ROUND_DATE_FIELDS)[number];

export const NewRound = z.object({
  title,
  description: description.default(''),
  /** Defaults to the organisation's. */
  currency: CurrencyCode.optional(),
  kind: RoundKind.default('one_off'),
  defaultAllowanceCents: Cents.default(0),
  perBucketCapCents: Cents.min(1).nullable().default(null),
  minCoProposers: z.number().int().min(1).max(20).default(1),
  approvalRequired: z.boolean().default(false),
  nearlyFundedPercent: z.number().int().min(1).max(100).default(80),
  shortfallRule: ShortfallRule.default('return'),
  allowanceHolders: AllowanceHolders.default('all_members'),
  contributorsVisible: z.boolean().default(false),
  proposalsOpenAt: RoundDates.proposalsOpenAt.default(null),
  fundingOpensAt: RoundDates.fundingOpensAt.default(null),
  closesAt: RoundDates.closesAt.default(null),
  presentationAt: RoundDates.presentationAt.default(null),
  boardMeetingAt: RoundDates.boardMeetingAt.default(null),
});
export type NewRound = z.infer<typeof NewRound>;

/** Only the fields sent change; `null` clears a date or the cap. */
export const RoundPatch = z
  .object({
    title,
    description,
    currency: CurrencyCode,
    kind: RoundKind,
    defaultAllowanceCents: Cents,
    perBucketCapCents: Cents.min(1).nullable(),
    minCoProposers: z.number().int().min(1).max(20),
    approvalRequired: z.boolean(),
    nearlyFundedPercent: z.number().int().min(1).max(100),
    shortfallRule: ShortfallRule,
    /** Read when allowances are granted (funding opens, a member joins during funding); changing it later moves no money. */
    allowanceHolders: AllowanceHolders,
    contributorsVisible: z.boolean(),
    ...RoundDates,
  })
  .partial();
export type RoundPatch = z.infer<typeof RoundPatch>;

export const Round = z
  .object({
    id: Id,
    organisationId: Id,
    title: z.string(),
    /** Markdown as written. */
    description: z.string(),
    /** The description rendered to sanitised HTML. */
    descriptionHtml: z.string(),
    currency: z.string(),
    kind: RoundKind,
    phase: RoundPhase,
    defaultAllowanceCents: Cents,
    perBucketCapCents: Cents.nullable(),
    minCoProposers: z.number().int(),
    approvalRequired: z.boolean(),
    nearlyFundedPercent: z.number().int(),
    shortfallRule: ShortfallRule,
    allowanceHolders: AllowanceHolders,
    contributorsVisible: z.boolean(),
    proposalsOpenAt: Timestamp.nullable(),
    fundingOpensAt: Timestamp.nullable(),
    closesAt: Timestamp.nullable(),
    presentationAt: Timestamp.nullable(),
    boardMeetingAt: Timestamp.nullable(),
    closedAt: Timestamp.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Round' });
export type Round = z.infer<typeof Round>;

export const RoundList = z.object({ rounds: z.array(Round) }).meta({ id: 'RoundList' });
export type RoundList = z.infer<typeof RoundList>;

export const RoundParams = z.object({ roundId: Id });

/** `closed` is refused here (409 `use_close`): closing has its own route. */
export const PhaseChange = z.object({ phase: RoundPhase });
export type PhaseChange = z.infer<typeof PhaseChange>;

// The appraisal grid.

export const CriterionParams = z.object({ criterionId: Id });
export const NewCriterion = z.object({ title, description: description.default('') });
export type NewCriterion = z.infer<typeof NewCriterion>;
export const CriterionPatch = z
  .object({
    title,
    description,
    /** 0-based; the others shift to make room. */
    position: z.number().int().min(0),
  })
  .partial();
export type CriterionPatch = z.infer<typeof CriterionPatch>;

export const Criterion = z
  .object({
    id: Id,
    roundId: Id,
    position: z.number().int(),
    title: z.string(),
    description: z.string(),
    descriptionHtml: z.string(),
    createdAt: Timestamp,
  })
  .meta({ id: 'Criterion' });
export type Criterion = z.infer<typeof Criterion>;
export const CriterionList = z.object({ criteria: z.array(Criterion) }).meta({ id: 'CriterionList' });
export type CriterionList = z.infer<typeof CriterionList>;

// Allowances.

export const AllowanceParams = z.object({ roundId: Id, membershipId: Id });
export const AllowanceOverrideBody = z.object({ amountCents: Cents });

export const MemberAllowance = z
  .object({
    membershipId: Id,
    name: z.string(),
    email: z.string().nullable(),
    role: Role,
    /** Marked as holding an allowance (see the round's `allowanceHolders`). */
    eligible: z.boolean(),
    /** Whether the round's `allowanceHolders` rule gives this member an allowance. */
    holdsAllowance: z.boolean(),
    defaultCents: Cents,
    overrideCents: Cents.nullable(),
    /** What the member gets (or got) when funding opens: the override, else the default; 0 for a member who holds none. */
    plannedCents: Cents,
    /** Once funding started: the member's actual allowance and what they allocated (null if none). */
    allowanceCents: Cents.nullable(),
    allocatedCents: Cents.nullable(),
  })
  .meta({ id: 'MemberAllowance' });
export type MemberAllowance = z.infer<typeof MemberAllowance>;
/** A deactivated member whose money still sits in projects of the round. */
export const FormerParticipant = z
  .object({
    membershipId: Id,
    name: z.string(),
    allocatedCents: Cents,
    /** What an admin may send back to their allowance now; the rest is committed (a permanent round's project that reached its minimum). */
    returnableCents: Cents,
  })
  .meta({ id: 'FormerParticipant' });
export type FormerParticipant = z.infer<typeof FormerParticipant>;
export const AllowanceList = z
  .object({ allowances: z.array(MemberAllowance), formerParticipants: z.array(FormerParticipant) })
  .meta({ id: 'AllowanceList' });
export type AllowanceList = z.infer<typeof AllowanceList>;

export const NewGrant = z.object({
  /** Added to each member's allowance, e.g. the yearly top-up of a permanent round. */
  amountCents: Cents.min(1),
  reason: z.string().trim().min(1).max(500),
  /** Every active participant when omitted. */
  membershipIds: z.array(Id).min(1).max(100_000).optional(),
});
export type NewGrant = z.infer<typeof NewGrant>;
export const GrantResult = z
  .object({ amountCents: Cents, membershipIds: z.array(Id) })
  .meta({ id: 'GrantResult' });
export type GrantResult = z.infer<typeof GrantResult>;

// The decisions history.

export const DecisionQuery = z.object({
  /** The `createdAt` of the last decision already shown: older ones come next. */
  before: Timestamp.optional(),
  /** With `before`, the id of that decision, so that decisions of the same instant are not skipped. */
  beforeId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type DecisionQuery = z.infer<typeof DecisionQuery>;

export const Decision = z
  .object({
    id: Id,
    kind: z.string(),
    /** Null when the scheduler decided (a date was reached). */
    actor: z.object({ membershipId: Id, name: z.string() }).nullable(),
    bucket: z.object({ id: Id, title: z.string() }).nullable(),
    reason: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    createdAt: Timestamp,
  })
  .meta({ id: 'Decision' });
export type Decision = z.infer<typeof Decision>;

export const DecisionPage = z
  .object({
    decisions: z.array(Decision),
    /** Pass these as `before` and `beforeId` for the next page; null on the last one. */
    next: z.object({ before: Timestamp, beforeId: Id }).nullable(),
  })
  .meta({ id: 'DecisionPage' });
export type DecisionPage = z.infer<typeof DecisionPage>;
