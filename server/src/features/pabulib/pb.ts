import type { Ballot, Election } from '../vote-count/index.ts';
import { CsvSyntaxError, readRecords, writeRecord, type CsvRecord } from './csv.ts';

/**
 * Pabulib's .pb format (pabulib.org; Faliszewski et al., "Participatory Budgeting: Data,
 * Tools, and Analysis", 2023): a META section of key;value pairs, a PROJECTS table and a
 * VOTES table, `;`-separated with CSV quoting.
 *
 * Money: a .pb file states costs and the budget in whole currency units (a decimal part of at
 * most two digits, `.` or `,`, is accepted); here they are integer cents, converted on the way
 * in (× 100) and on the way out (÷ 100), so `cost` and `budget` below are cents.
 */
export type PbVoteType = 'approval' | 'cumulative' | 'scoring';

export type PbProject = {
  id: string;
  /** Cents. */
  cost: bigint;
  /** Every other column, as written (name, selected, votes, district, subunit, category…). */
  fields: Record<string, string>;
};

export type PbVote = {
  voter: string;
  /** Project ids, in the order written. */
  vote: string[];
  /** Cumulative and scoring ballots: the points given to each project of `vote`, same order. */
  points?: number[];
  /** Every other column (age, sex, voting_method, district…). */
  fields: Record<string, string>;
};

export type PbInstance = {
  /** Every META pair as written, except that the writer restates budget, vote_type, num_projects, num_votes. */
  meta: Record<string, string>;
  voteType: PbVoteType;
  /** Cents. */
  budget: bigint;
  projects: PbProject[];
  votes: PbVote[];
};

/** A file that is not a usable .pb instance; `line` is 1-based. Meant for a 400 reply. */
export class PbParseError extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
    this.name = 'PbParseError';
  }
}

const SECTIONS = ['meta', 'projects', 'votes'] as const;
type Section = (typeof SECTIONS)[number];

/** "1000000", "1000000.5", "1 000,25" is refused (no spaces); → cents. */
export function unitsToCents(text: string): bigint | null {
  const m = /^(\d+)(?:[.,](\d{1,2}))?$/.exec(text);
  if (!m) return null;
  return BigInt(m[1] ?? '0') * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
}

export function centsToUnits(cents: bigint): string {
  const whole = cents / 100n;
  const rest = cents % 100n;
  return rest === 0n ? whole.toString() : `${whole}.${rest.toString().padStart(2, '0')}`;
}

export function parsePb(text: string): PbInstance {
  let records: CsvRecord[];
  try {
    records = readRecords(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new PbParseError(e.line, e.message.replace(/^line \d+: /, ''));
    throw e;
  }
  const bySection = new Map<Section, { line: number; header: CsvRecord; rows: CsvRecord[] }>();
  let current: { line: number; header: CsvRecord; rows: CsvRecord[] } | null = null;
  for (let r = 0; r < records.length; r++) {
    const rec = records[r] as CsvRecord;
    const first = (rec.fields[0] ?? '').toLowerCase();
    if ((SECTIONS as readonly string[]).includes(first) && rec.fields.slice(1).every((f) => f === '')) {
      const section = first as Section;
      if (bySection.has(section)) throw new PbParseError(rec.line, `a second ${section.toUpperCase()} section`);
      const header = records[r + 1];
      if (!header) throw new PbParseError(rec.line, `the ${section.toUpperCase()} section has no header line`);
      current = { line: rec.line, header, rows: [] };
      bySection.set(section, current);
      r++;
      continue;
    }
    if (!current) throw new PbParseError(rec.line, 'text before the META section');
    current.rows.push(rec);
  }
  const lastLine = records.at(-1)?.line ?? 1;
  const section = (name: Section) => {
    const s = bySection.get(name);
    if (!s) throw new PbParseError(lastLine, `no ${name.toUpperCase()} section`);
    return s;
  };

  // META
  const metaSection = section('meta');
  const meta: Record<string, string> = {};
  const metaLine: Record<string, number> = {};
  for (const rec of metaSection.rows) {
    const [key = '', value = '', ...rest] = rec.fields;
    if (rec.fields.length < 2 || rest.some((f) => f !== '')) throw new PbParseError(rec.line, 'a META line must be key;value');
    if (key === '') throw new PbParseError(rec.line, 'a META line with an empty key');
    if (key in meta) throw new PbParseError(rec.line, `META key "${key}" given twice`);
    meta[key] = value;
    metaLine[key] = rec.line;
  }
  if (meta.budget === undefined) throw new PbParseError(metaSection.line, 'META has no budget');
  const budget = unitsToCents(meta.budget);
  if (budget === null)
    throw new PbParseError(metaLine.budget ?? metaSection.line, `budget "${meta.budget}" is not an amount in currency units`);
  const rawType = meta.vote_type;
  if (rawType === undefined) throw new PbParseError(metaSection.line, 'META has no vote_type');
  const voteType: PbVoteType | null =
    rawType === 'approval' || rawType === 'choose-1' ? 'approval' : rawType === 'cumulative' || rawType === 'scoring' ? rawType : null;
  if (!voteType)
    throw new PbParseError(metaLine.vote_type ?? metaSection.line, `vote_type "${rawType}" is not supported (approval, choose-1, cumulative, scoring)`);

  // PROJECTS
  const projectSection = section('projects');
  const pHeader = columns(projectSection.header, ['project_id', 'cost']);
  const projects: PbProject[] = [];
  const projectIds = new Set<string>();
  for (const rec of projectSection.rows) {
    const row = cells(rec, pHeader.names);
    const id = row.project_id ?? '';
    if (id === '') throw new PbParseError(rec.line, 'a project without project_id');
    if (projectIds.has(id)) throw new PbParseError(rec.line, `project ${id} listed twice`);
    const cost = unitsToCents(row.cost ?? '');
    if (cost === null) throw new PbParseError(rec.line, `cost "${row.cost}" of project ${id} is not an amount in currency units`);
    projectIds.add(id);
    const { project_id: _id, cost: _cost, ...fields } = row;
    projects.push({ id, cost, fields });
  }

  // VOTES
  const voteSection = section('votes');
  const vHeader = columns(voteSection.header, ['voter_id', 'vote']);
  const withPoints = voteType !== 'approval';
  const votes: PbVote[] = [];
  const voterIds = new Set<string>();
  for (const rec of voteSection.rows) {
    const row = cells(rec, vHeader.names);
    const voter = row.voter_id ?? '';
    if (voter === '') throw new PbParseError(rec.line, 'a vote without voter_id');
    if (voterIds.has(voter)) throw new PbParseError(rec.line, `voter ${voter} votes twice`);
    voterIds.add(voter);
    const vote = list(row.vote ?? '');
    const seen = new Set<string>();
    for (const id of vote) {
      if (!projectIds.has(id)) throw new PbParseError(rec.line, `voter ${voter} votes for project ${id}, which PROJECTS does not list`);
      if (seen.has(id)) throw new PbParseError(rec.line, `voter ${voter} names project ${id} twice`);
      seen.add(id);
    }
    const { voter_id: _v, vote: _vote, points: rawPoints, ...fields } = row;
    if (withPoints) {
      const written = list(rawPoints ?? '');
      if (written.length !== vote.length)
        throw new PbParseError(rec.line, `voter ${voter} names ${vote.length} projects but gives ${written.length} points`);
      const points = written.map((p) => {
        if (!/^\d+$/.test(p) || !Number.isSafeInteger(Number(p)))
          throw new PbParseError(rec.line, `voter ${voter}: points "${p}" are not a whole number ≥ 0`);
        return Number(p);
      });
      votes.push({ voter, vote, points, fields });
    } else {
      if (rawPoints !== undefined) fields.points = rawPoints;
      votes.push({ voter, vote, fields });
    }
  }
  return { meta, voteType, budget, projects, votes };
}

function columns(header: CsvRecord, required: string[]) {
  const names = header.fields;
  for (const name of required)
    if (!names.includes(name)) throw new PbParseError(header.line, `the header has no ${name} column`);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new PbParseError(header.line, `the header names column "${dup}" twice`);
  return { names };
}

function cells(rec: CsvRecord, names: string[]): Record<string, string> {
  if (rec.fields.length !== names.length)
    throw new PbParseError(rec.line, `${rec.fields.length} fields where the header has ${names.length}`);
  const row: Record<string, string> = {};
  names.forEach((name, i) => (row[name] = rec.fields[i] ?? ''));
  return row;
}

function list(text: string): string[] {
  return text === '' ? [] : text.split(',').map((s) => s.trim());
}

/** The instance as a .pb file; `parsePb(writePb(x))` equals `x` (with META restated as below). */
export function writePb(instance: PbInstance): string {
  const meta: Record<string, string> = {
    ...instance.meta,
    num_projects: String(instance.projects.length),
    num_votes: String(instance.votes.length),
    budget: centsToUnits(instance.budget),
    vote_type: instance.meta.vote_type === 'choose-1' && instance.voteType === 'approval' ? 'choose-1' : instance.voteType,
  };
  const lines: string[] = ['META', 'key;value'];
  for (const [k, v] of Object.entries(meta)) lines.push(writeRecord([k, v]));

  const pKeys = unionOfKeys(instance.projects.map((p) => p.fields));
  lines.push('PROJECTS', writeRecord(['project_id', 'cost', ...pKeys]));
  for (const p of instance.projects) lines.push(writeRecord([p.id, centsToUnits(p.cost), ...pKeys.map((k) => p.fields[k] ?? '')]));

  const withPoints = instance.voteType !== 'approval';
  const vKeys = unionOfKeys(instance.votes.map((v) => v.fields)).filter((k) => !(withPoints && k === 'points'));
  lines.push('VOTES', writeRecord(['voter_id', ...vKeys, 'vote', ...(withPoints ? ['points'] : [])]));
  for (const v of instance.votes)
    lines.push(
      writeRecord([v.voter, ...vKeys.map((k) => v.fields[k] ?? ''), v.vote.join(','), ...(withPoints ? [(v.points ?? []).join(',')] : [])]),
    );
  return lines.join('\n') + '\n';
}

function unionOfKeys(rows: Record<string, string>[]): string[] {
  const keys = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) keys.add(k);
  return [...keys];
}

/** The instance's own district, if the file is one district's vote (META `district`, else `subunit`). */
export function pbDistrict(instance: PbInstance): string | undefined {
  return instance.meta.district ?? instance.meta.subunit;
}

/** The election to count: cents, approval or points ballots (a voter's zero points count as no point). */
export function pbElection(instance: PbInstance): Election {
  return {
    budget: instance.budget,
    projects: instance.projects.map((p) => ({ id: p.id, cost: p.cost })),
    ballots: instance.votes.map((v): Ballot =>
      instance.voteType === 'approval'
        ? { voter: v.voter, kind: 'approval', approved: v.vote }
        : { voter: v.voter, kind: 'points', points: Object.fromEntries(v.vote.map((id, i) => [id, v.points?.[i] ?? 0])) },
    ),
  };
}
