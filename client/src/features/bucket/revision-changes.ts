import { z } from 'zod';
import { BudgetLine, type BucketRevision } from '@cagnotte/shared';

/**
 * One field of a revision, in a form a person reads: a text replaced, an amount moved, tags
 * added and removed, budget lines added, removed or changed. The server sends `from`/`to` as the
 * raw stored values (`unknown` in the contract), so each is parsed here, never cast; a value of
 * an unexpected shape is shown as text rather than dropped.
 */
export type LineChange =
  | { kind: 'added'; line: BudgetLine }
  | { kind: 'removed'; line: BudgetLine }
  | { kind: 'changed'; label: string; from: BudgetLine; to: BudgetLine };

export type FieldChange =
  | { field: string; kind: 'text'; from: string | null; to: string | null }
  | { field: string; kind: 'long'; from: string; to: string }
  | { field: string; kind: 'money'; from: number; to: number }
  | { field: string; kind: 'tags'; added: string[]; removed: string[] }
  | { field: string; kind: 'lines'; changes: LineChange[] };

/** Fields named by the server's edit (see `server/src/features/buckets/editing.ts`), in reading order. */
const ORDER = ['title', 'summary', 'description', 'tags', 'imageUrl', 'budgetLines', 'minCents', 'maxCents'];

const Text = z.string().nullable();
const Tags = z.array(z.string());
const Lines = z.array(BudgetLine);
const Money = z.number().int();

function asText(value: unknown): string | null {
  const text = Text.safeParse(value ?? null);
  return text.success ? text.data : JSON.stringify(value);
}

/** Lines are matched by label: the same label with another amount or kind is a change. */
export function diffLines(from: readonly BudgetLine[], to: readonly BudgetLine[]): LineChange[] {
  const before = new Map(from.map((line) => [line.label, line]));
  const after = new Map(to.map((line) => [line.label, line]));
  const out: LineChange[] = [];
  for (const line of from) {
    const next = after.get(line.label);
    if (!next) out.push({ kind: 'removed', line });
    else if (next.amountCents !== line.amountCents || next.essential !== line.essential) out.push({ kind: 'changed', label: line.label, from: line, to: next });
  }
  for (const line of to) if (!before.has(line.label)) out.push({ kind: 'added', line });
  return out;
}

function describe(field: string, change: { from: unknown; to: unknown }): FieldChange {
  if (field === 'description') return { field, kind: 'long', from: asText(change.from) ?? '', to: asText(change.to) ?? '' };
  if (field === 'minCents' || field === 'maxCents') {
    const from = Money.safeParse(change.from);
    const to = Money.safeParse(change.to);
    if (from.success && to.success) return { field, kind: 'money', from: from.data, to: to.data };
  }
  if (field === 'tags') {
    const from = Tags.safeParse(change.from ?? []);
    const to = Tags.safeParse(change.to ?? []);
    if (from.success && to.success) {
      return { field, kind: 'tags', added: to.data.filter((tag) => !from.data.includes(tag)), removed: from.data.filter((tag) => !to.data.includes(tag)) };
    }
  }
  if (field === 'budgetLines') {
    const from = Lines.safeParse(change.from ?? []);
    const to = Lines.safeParse(change.to ?? []);
    if (from.success && to.success) return { field, kind: 'lines', changes: diffLines(from.data, to.data) };
  }
  return { field, kind: 'text', from: asText(change.from), to: asText(change.to) };
}

/** A revision's changes, known fields first in reading order, then any other the server adds. */
export function describeRevision(revision: Pick<BucketRevision, 'changes'>): FieldChange[] {
  const fields = Object.keys(revision.changes).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return fields.flatMap((field) => {
    const change = revision.changes[field];
    return change ? [describe(field, change)] : [];
  });
}

function rank(field: string): number {
  const at = ORDER.indexOf(field);
  return at === -1 ? ORDER.length : at;
}
