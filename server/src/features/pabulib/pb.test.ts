import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countVotes, toJson } from '../vote-count/index.ts';
import { centsToUnits, parsePb, pbDistrict, pbElection, PbParseError, unitsToCents, writePb, type PbInstance } from './index.ts';

/** Copied unchanged from ../shared/data/pabulib/ (pabutools' test data), so that CI has them. */
const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../../test/fixtures/pabulib/${name}`, import.meta.url)), 'utf8');
const rembertow = fixture('poland_warszawa_2023_rembertow.pb');
const toulouse = fixture('france_toulouse_2019_.pb');

function parseError(text: string): PbParseError {
  try {
    parsePb(text);
  } catch (e) {
    if (e instanceof PbParseError) return e;
    throw e;
  }
  throw new Error('parsed without error');
}

const small = (votes: string, extra = '') =>
  `META\nkey;value\nbudget;100\nvote_type;approval\n${extra}PROJECTS\nproject_id;cost;name\n1;50;One\n2;60;Two\nVOTES\nvoter_id;vote\n${votes}`;

describe('Warsaw 2023, Rembertów (approval, with the official outcome)', () => {
  const instance = parsePb(rembertow);

  it('reads the META, the 38 projects and 1,172 ballots, costs in cents', () => {
    expect(instance.voteType).toBe('approval');
    expect(instance.budget).toBe(101_130_800n);
    expect(instance.projects).toHaveLength(38);
    expect(instance.votes).toHaveLength(1172);
    expect(instance.projects[0]).toMatchObject({ id: '208', cost: 13_500_000n });
    expect(instance.projects[0]?.fields).toMatchObject({ name: 'Modernizacja placu zabaw w dzielnicy Rembertów', selected: '0', votes: '446' });
    expect(instance.votes[0]).toMatchObject({ voter: '63', fields: { age: '38', sex: 'K', voting_method: 'internet' } });
    expect(pbDistrict(instance)).toBe('Rembertów');
  });

  it('counts each project\'s approvals as the file\'s votes column says', () => {
    const outcome = countVotes(pbElection(instance), { kind: 'greedy' });
    for (const p of instance.projects) expect(outcome.projects.find((r) => r.id === p.id)?.support).toBe(Number(p.fields.votes));
  });

  it('greedy under its META rule reproduces the official selection project for project', () => {
    expect(instance.meta.rule).toBe('greedy');
    const outcome = countVotes(pbElection(instance), { kind: 'greedy' });
    const official = instance.projects.filter((p) => p.fields.selected === '1').map((p) => p.id);
    expect([...outcome.selected].sort()).toEqual([...official].sort());
    // 1260 and 1087 both have 265 votes; the tie-break takes the cheaper 1260, as the city did.
    expect(outcome.ties).toEqual([{ stage: 'greedy', among: ['1260', '1087'], chosen: '1260' }]);
  });

  it('writes a file that parses back to the same instance and the same outcome', () => {
    const again = parsePb(writePb(instance));
    expect(toJson(again)).toEqual(toJson(instance));
    expect(countVotes(pbElection(again), { kind: 'greedy' }).selected).toEqual(countVotes(pbElection(instance), { kind: 'greedy' }).selected);
  });
});

describe('Toulouse 2019 (cumulative, rule greedy)', () => {
  const instance = parsePb(toulouse);

  it('reads 30 projects and 1,494 ballots of at most 3 points a project and 7 in all', () => {
    expect(instance.voteType).toBe('cumulative');
    expect(instance.budget).toBe(100_000_000n);
    expect(instance.projects).toHaveLength(30);
    expect(instance.votes).toHaveLength(1494);
    expect(instance.votes[0]).toEqual({ voter: '0', vote: ['15', '22', '25', '10'], points: [2, 2, 2, 1], fields: {} });
    for (const v of instance.votes) {
      expect(Math.max(...(v.points ?? [0]))).toBeLessThanOrEqual(3);
      expect((v.points ?? []).reduce((s, x) => s + x, 0)).toBeLessThanOrEqual(7);
    }
    expect(instance.projects[3]?.fields).toMatchObject({ subunit: 'PRADETTES', votes: '471' });
  });

  it('the votes column counts voters, not points (as the data README says)', () => {
    const outcome = countVotes(pbElection(instance), { kind: 'greedy' });
    for (const p of instance.projects) {
      const r = outcome.projects.find((x) => x.id === p.id);
      expect(r?.supporters).toBe(Number(p.fields.votes));
      expect(r?.support).toBeGreaterThanOrEqual(r?.supporters ?? 0);
    }
  });

  it('greedy by points spends the whole €1,000,000 budget on 14 projects', () => {
    const outcome = countVotes(pbElection(instance), { kind: 'greedy' });
    expect(outcome.selected).toEqual(['4', '16', '13', '29', '5', '10', '30', '20', '1', '18', '7', '27', '6', '26']);
    expect(outcome.used).toBe(100_000_000n);
    expect(outcome.exhaustive).toBe(true);
  });

  it('writes a file that parses back to the same instance', () => {
    expect(toJson(parsePb(writePb(instance)))).toEqual(toJson(instance));
  });
});

describe('parsing .pb text', () => {
  it('converts whole currency units to cents, and back', () => {
    expect(unitsToCents('1011308')).toBe(101_130_800n);
    expect(unitsToCents('12,5')).toBe(1_250n);
    expect(unitsToCents('12.05')).toBe(1_205n);
    expect(unitsToCents('12.345')).toBeNull();
    expect(unitsToCents('-3')).toBeNull();
    expect(centsToUnits(1_205n)).toBe('12.05');
    expect(centsToUnits(100n)).toBe('1');
  });

  it('reads quoted fields with ; and quotes and line breaks in them', () => {
    const text = 'META\nkey;value\nbudget;100\nvote_type;approval\ndescription;"A; B ""quoted""\nsecond line"\nPROJECTS\nproject_id;cost\n1;50\nVOTES\nvoter_id;vote\n1;1\n';
    expect(parsePb(text).meta.description).toBe('A; B "quoted"\nsecond line');
  });

  it('reads an empty ballot as approving nothing, and skips blank lines and a BOM', () => {
    const instance = parsePb('\uFEFF' + small('1;\n\n2;1,2\n'));
    expect(instance.votes.map((v) => v.vote)).toEqual([[], ['1', '2']]);
  });

  it('names the line of an unknown project', () => {
    const e = parseError(small('1;1\n2;3\n'));
    expect(e.line).toBe(12);
    expect(e.message).toBe('line 12: voter 2 votes for project 3, which PROJECTS does not list');
  });

  it('names the line of a bad cost, of a row of the wrong width, of a voter voting twice', () => {
    expect(parseError(small('1;1\n').replace('2;60;Two', '2;sixty;Two')).message).toBe('line 8: cost "sixty" of project 2 is not an amount in currency units');
    expect(parseError(small('1;1\n').replace('2;60;Two', '2;60')).message).toBe('line 8: 2 fields where the header has 3');
    expect(parseError(small('1;1\n1;2\n')).message).toBe('line 12: voter 1 votes twice');
    expect(parseError(small('1;1,1\n')).message).toBe('line 11: voter 1 names project 1 twice');
  });

  it('refuses a file without budget, an unsupported vote type, a missing section', () => {
    expect(parseError(small('1;1\n').replace('budget;100\n', '')).message).toBe('line 1: META has no budget');
    expect(parseError(small('1;1\n').replace('vote_type;approval', 'vote_type;ordinal')).message).toMatch(/^line 4: vote_type "ordinal" is not supported/);
    expect(parseError(small('1;1\n').replace(/VOTES[\s\S]*/, '')).message).toBe('line 8: no VOTES section');
    expect(parseError('hello\n').message).toBe('line 1: text before the META section');
    expect(parseError(small('1;"1\n')).message).toBe('line 11: a quoted field is never closed');
  });

  it('refuses points that are not whole numbers, and points that do not match the projects', () => {
    const points = (row: string) =>
      `META\nkey;value\nbudget;100\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;50\n2;60\nVOTES\nvoter_id;vote;points\n${row}\n`;
    expect(parsePb(points('1;1,2;2,1')).votes[0]?.points).toEqual([2, 1]);
    expect(parseError(points('1;1,2;2.5,1')).message).toBe('line 11: voter 1: points "2.5" are not a whole number ≥ 0');
    expect(parseError(points('1;1,2;2')).message).toBe('line 11: voter 1 names 2 projects but gives 1 points');
  });

  it('writes an instance built from scratch that parses back to itself', () => {
    const built: PbInstance = {
      meta: { description: 'Quartier; "centre"', country: 'France', unit: 'Ville', instance: '2026', rule: 'greedy' },
      voteType: 'scoring',
      budget: 1_000_050n,
      projects: [
        { id: 'a', cost: 250_025n, fields: { name: ' leading space', district: 'Nord' } },
        { id: 'b', cost: 300_000n, fields: { name: 'Ligne\nbreak', district: 'Sud' } },
      ],
      votes: [
        { voter: 'x', vote: ['a', 'b'], points: [3, 0], fields: { district: 'Nord' } },
        { voter: 'y', vote: [], points: [], fields: { district: 'Sud' } },
      ],
    };
    const text = writePb(built);
    const again = parsePb(text);
    expect(toJson(again)).toEqual(toJson({ ...built, meta: { ...built.meta, num_projects: '2', num_votes: '2', budget: '10000.50', vote_type: 'scoring' } }));
    expect(text).toContain('budget;10000.50\n');
  });
});
