import { describe, expect, it } from 'vitest';
import { budgetLinesOf, conflictingFields, draftOf, editOf, liveTotals } from './draft.ts';

const saved = {
  title: 'Bread oven',
  summary: 'A wood oven',
  description: 'Bake **together**',
  budgetLines: [
    { label: 'Bricks', amountCents: 120_000, essential: true },
    { label: 'Bench', amountCents: 30_050, essential: false },
  ],
};

describe('the proposer form', () => {
  it('shows the minimum and maximum of the lines as typed, in the locale', () => {
    const lines = [
      { label: 'Bricks', amountText: '1 200,50', essential: true },
      { label: 'Bench', amountText: '300', essential: false },
      { label: 'Half typed', amountText: '12,5x,', essential: true },
    ];
    expect(liveTotals(lines, 'fr', 'EUR')).toEqual({ minCents: 120_050, maxCents: 150_050 });
  });

  it('refuses to send lines the server would refuse: none essential, or an amount not typed', () => {
    expect(budgetLinesOf([{ label: 'Paint', amountText: '10', essential: false }], 'en', 'EUR')).toEqual({ ok: false });
    expect(budgetLinesOf([{ label: 'Paint', amountText: '', essential: true }], 'en', 'EUR')).toEqual({ ok: false });
    expect(budgetLinesOf([{ label: 'Paint', amountText: '10.5', essential: true }], 'en', 'EUR')).toEqual({ ok: true, lines: [{ label: 'Paint', amountCents: 1050, essential: true }] });
  });

  it('sends only what changed, with the revision the edit started from', () => {
    const draft = draftOf(saved, 'fr', 'EUR');
    expect(draft.lines[1]?.amountText).toBe('300,50');
    draft.title = 'Bread oven for all';
    const lines = budgetLinesOf(draft.lines, 'fr', 'EUR');
    expect(lines.ok && editOf(draft, lines.lines, saved, 4)).toEqual({ revision: 4, title: 'Bread oven for all' });
  });

  it('names the fields where my edit and the newer version differ', () => {
    const theirs = { ...saved, title: 'Oven', summary: 'Changed by Bob' };
    expect(conflictingFields({ revision: 1, title: 'Bread oven for all', description: 'Bake **together**' }, theirs)).toEqual(['title']);
  });
});
