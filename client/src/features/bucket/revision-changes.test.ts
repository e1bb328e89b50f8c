import { describe, expect, it } from 'vitest';
import { describeRevision, diffLines } from './revision-changes.ts';

const line = (label: string, amountCents: number, essential = true) => ({ label, amountCents, essential });

describe('a revision as a person reads it', () => {
  it('says which budget lines were added, removed or changed, matched by label', () => {
    expect(diffLines([line('Bench', 100_00), line('Paint', 20_00, false), line('Sign', 5_00)], [line('Bench', 120_00), line('Sign', 5_00), line('Lamp', 30_00, false)])).toEqual([
      { kind: 'changed', label: 'Bench', from: line('Bench', 100_00), to: line('Bench', 120_00) },
      { kind: 'removed', line: line('Paint', 20_00, false) },
      { kind: 'added', line: line('Lamp', 30_00, false) },
    ]);
  });

  it('counts a line turned optional as a change, not as a removal and an addition', () => {
    expect(diffLines([line('Paint', 20_00, true)], [line('Paint', 20_00, false)])).toEqual([
      { kind: 'changed', label: 'Paint', from: line('Paint', 20_00, true), to: line('Paint', 20_00, false) },
    ]);
  });

  it('lists the fields in reading order: the title before the money', () => {
    const fields = describeRevision({
      changes: { maxCents: { from: 1, to: 2 }, title: { from: 'Old', to: 'New' }, budgetLines: { from: [], to: [line('A', 2)] }, minCents: { from: 1, to: 2 } },
    }).map((c) => c.field);
    expect(fields).toEqual(['title', 'budgetLines', 'minCents', 'maxCents']);
  });

  it('shows tags added and removed, amounts as amounts, and a removed image as nothing', () => {
    expect(
      describeRevision({
        changes: { tags: { from: ['park', 'kids'], to: ['kids', 'shade'] }, minCents: { from: 100_00, to: 150_00 }, imageUrl: { from: 'https://x.test/a.png', to: null } },
      }),
    ).toEqual([
      { field: 'tags', kind: 'tags', added: ['shade'], removed: ['park'] },
      { field: 'imageUrl', kind: 'text', from: 'https://x.test/a.png', to: null },
      { field: 'minCents', kind: 'money', from: 100_00, to: 150_00 },
    ]);
  });

  it('keeps a value of an unexpected shape readable instead of dropping it', () => {
    expect(describeRevision({ changes: { minCents: { from: 'ten', to: 12 }, colour: { from: { a: 1 }, to: 'blue' } } })).toEqual([
      { field: 'minCents', kind: 'text', from: 'ten', to: '12' },
      { field: 'colour', kind: 'text', from: '{"a":1}', to: 'blue' },
    ]);
  });
});
