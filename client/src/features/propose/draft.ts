import { budgetTotals, BudgetLines, type BucketDetail, type BucketEdit, type BudgetLine, type NewBucket } from '@cagnotte/shared';
import { moneyInputText, parseMoney } from '../../money/parse-money.ts';

/** A budget line as typed: the amount stays text until it parses. */
export type LineDraft = { label: string; amountText: string; essential: boolean };

/** What the proposer's form holds. */
export type BucketDraft = { title: string; summary: string; description: string; lines: LineDraft[] };

export const emptyLine = (essential = true): LineDraft => ({ label: '', amountText: '', essential });

export function emptyDraft(): BucketDraft {
  return { title: '', summary: '', description: '', lines: [emptyLine()] };
}

export function draftOf(bucket: Pick<BucketDetail, 'title' | 'summary' | 'description' | 'budgetLines'>, locale: string, currency: string): BucketDraft {
  return {
    title: bucket.title,
    summary: bucket.summary,
    description: bucket.description,
    lines: bucket.budgetLines.map((line) => ({ label: line.label, amountText: moneyInputText(line.amountCents, locale, currency), essential: line.essential })),
  };
}

/** Each typed line's amount in cents, or null while it is not an amount. */
export function lineCents(lines: readonly LineDraft[], locale: string, currency: string): (number | null)[] {
  return lines.map((line) => (line.amountText.trim() === '' ? null : parseMoney(line.amountText, locale, currency)));
}

/**
 * The minimum and maximum as typed, by the shared rule the server applies on save; a line whose
 * amount does not parse yet counts as nothing.
 */
export function liveTotals(lines: readonly LineDraft[], locale: string, currency: string) {
  const cents = lineCents(lines, locale, currency);
  return budgetTotals(lines.map((line, i) => ({ essential: line.essential, amountCents: cents[i] ?? 0 })));
}

/** The lines to send, or why not: the shared schema decides, as the server will. */
export function budgetLinesOf(lines: readonly LineDraft[], locale: string, currency: string): { ok: true; lines: BudgetLine[] } | { ok: false } {
  const cents = lineCents(lines, locale, currency);
  const parsed = BudgetLines.safeParse(lines.map((line, i) => ({ label: line.label, amountCents: cents[i] ?? 0, essential: line.essential })));
  return parsed.success ? { ok: true, lines: parsed.data } : { ok: false };
}

export function newBucketOf(draft: BucketDraft, lines: BudgetLine[]): NewBucket {
  return { title: draft.title.trim(), summary: draft.summary.trim(), description: draft.description, tags: [], budgetLines: lines };
}

type Saved = Pick<BucketDetail, 'title' | 'summary' | 'description' | 'budgetLines'>;

function sameLines(a: readonly BudgetLine[], b: readonly BudgetLine[]): boolean {
  return a.length === b.length && a.every((line, i) => line.label === b[i]?.label && line.amountCents === b[i]?.amountCents && line.essential === b[i]?.essential);
}

/** Only the fields the form changed against the version it started from, with that revision. */
export function editOf(draft: BucketDraft, lines: BudgetLine[], from: Saved, revision: number): BucketEdit {
  const edit: BucketEdit = { revision };
  if (draft.title.trim() !== from.title) edit.title = draft.title.trim();
  if (draft.summary.trim() !== from.summary) edit.summary = draft.summary.trim();
  if (draft.description !== from.description) edit.description = draft.description;
  if (!sameLines(lines, from.budgetLines)) edit.budgetLines = lines;
  return edit;
}

/** Which of the fields an edit sends differ between my version and theirs (for the conflict view). */
export function conflictingFields(mine: BucketEdit, theirs: Saved): ('title' | 'summary' | 'description' | 'budgetLines')[] {
  const fields: ('title' | 'summary' | 'description' | 'budgetLines')[] = [];
  if (mine.title !== undefined && mine.title !== theirs.title) fields.push('title');
  if (mine.summary !== undefined && mine.summary !== theirs.summary) fields.push('summary');
  if (mine.description !== undefined && mine.description !== theirs.description) fields.push('description');
  if (mine.budgetLines !== undefined && !sameLines(mine.budgetLines, theirs.budgetLines)) fields.push('budgetLines');
  return fields;
}
