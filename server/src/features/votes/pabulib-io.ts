import { and, asc, eq, gt, inArray, ne, sql } from 'drizzle-orm';
import type { BallotRules, CountRule, PabulibImportReport } from '@cagnotte/shared';
import type { Db, Executor } from '../../db/client.ts';
import { allocations, buckets, participants, rounds, voteDistricts, voteOutcomes, voteProjectDistricts, voteProjectRefs, voteSettings } from '../../db/schema.ts';
import type { Actor, Round } from '../../domain/model.ts';
import { badRequest, conflict } from '../../domain/errors.ts';
import type { Changes } from '../live/changes.ts';
import { parsePb, pbDistrict, PbParseError, writePb, type PbInstance } from '../pabulib/index.ts';
import { ballotsOf, districtsOf, openProjects, storedSettings, DEFAULT_SETTINGS } from './queries.ts';

/** The ballot rules a file's META states, else what its ballots show. */
export function rulesOf(instance: PbInstance): BallotRules {
  const int = (key: string) => {
    const value = Number(instance.meta[key]);
    return Number.isSafeInteger(value) && value > 0 ? value : null;
  };
  if (instance.voteType === 'approval') {
    const min = int('min_length') ?? 1;
    const max = int('max_length');
    return { kind: 'approval', minProjects: Math.min(min, 1000), maxProjects: max === null ? null : Math.max(Math.min(max, 1000), Math.min(min, 1000)) };
  }
  const points = instance.votes.flatMap((v) => v.points ?? []);
  const sums = instance.votes.map((v) => (v.points ?? []).reduce((a, b) => a + b, 0));
  const maxPerProject = int('max_points') ?? Math.max(1, ...points);
  const maxTotal = int('max_sum_points') ?? Math.max(maxPerProject, ...sums);
  return { kind: 'points', maxPerProject, maxTotal: Math.max(maxTotal, maxPerProject) };
}

/** META `rule`: `greedy`, or Equal Shares (`equalshares…`, `mes…`) with Add1, and the comparison if named. */
export function ruleOf(instance: PbInstance): CountRule {
  const rule = (instance.meta.rule ?? 'greedy').toLowerCase();
  if (rule.startsWith('equalshares') || rule.startsWith('mes')) return { kind: 'mes', completion: 'add1', compareWithGreedy: rule.includes('comparison') };
  return { kind: 'greedy' };
}

function metaRule(rule: CountRule): string {
  if (rule.kind === 'greedy') return 'greedy';
  return `equalshares${rule.completion === 'add1' ? '/add1' : ''}${rule.compareWithGreedy ? '/comparison' : ''}`;
}

const CHUNK = 2_000;

/**
 * Pabulib in and out: a file goes into a vote round that has no project yet (its projects become
 * open buckets with the file's ids, its voters anonymous ballots), and any round comes out as a
 * file — a vote round pool as it is, an allowance round as a cumulative vote whose points are cents.
 */
export type PabulibIo = ReturnType<typeof makePabulibIo>;

export function makePabulibIo({ db, now, changes }: { db: Db; now: () => Date; changes: Changes }) {
  return {
    async importFile(actor: Actor, round: Round, text: string): Promise<PabulibImportReport> {
      if (round.kind !== 'vote') throw conflict('not_vote_round', 'A Pabulib file goes into a vote round.');
      if (round.phase !== 'draft' && round.phase !== 'proposals') throw conflict('vote_rules_frozen', `The vote has ${round.phase === 'closed' ? 'closed' : 'opened'}: import into a round in draft or proposals.`, { phase: round.phase });
      let instance: PbInstance;
      try {
        instance = parsePb(text);
      } catch (error) {
        if (error instanceof PbParseError) throw badRequest('pabulib_invalid', `This is not a usable Pabulib file: ${error.message}.`, { line: error.line, problem: error.problem });
        throw error;
      }
      const free = instance.projects.find((p) => p.cost <= 0n);
      if (free) throw badRequest('pabulib_free_project', `Project ${free.id} costs nothing; every project of a vote round has a cost.`, { projectId: free.id });
      const tooBig = instance.projects.find((p) => p.cost > BigInt(Number.MAX_SAFE_INTEGER)) ?? (instance.budget > BigInt(Number.MAX_SAFE_INTEGER) ? { id: 'budget' } : null);
      if (tooBig) throw badRequest('pabulib_amount_too_large', 'An amount of this file is too large to store in cents.', { projectId: tooBig.id });

      const district = pbDistrict(instance);
      const budgetCents = Number(instance.budget);
      const rules = rulesOf(instance);
      const cast = await db.transaction(async (tx) => {
        const [locked] = await tx.select({ phase: rounds.phase }).from(rounds).where(eq(rounds.id, round.id)).for('update');
        if (locked?.phase !== 'draft' && locked?.phase !== 'proposals') throw conflict('vote_rules_frozen', 'The round moved on meanwhile.');
        const [existing] = await tx.select({ id: buckets.id }).from(buckets).where(and(eq(buckets.roundId, round.id), ne(buckets.status, 'draft'))).limit(1);
        if (existing) throw conflict('round_has_projects', 'This round already has projects: import a Pabulib file into a new vote round.');
        const settings = { budgetCents: district ? 0 : budgetCents, ballot: rules, rule: ruleOf(instance), hideCounts: false, updatedAt: now() };
        await tx.insert(voteSettings).values({ roundId: round.id, ...settings }).onConflictDoUpdate({ target: voteSettings.roundId, set: settings });
        await tx.delete(voteDistricts).where(eq(voteDistricts.roundId, round.id));
        const [districtRow] = district ? await tx.insert(voteDistricts).values({ roundId: round.id, name: district, budgetCents, position: 0 }).returning() : [];
        const bucketOf = new Map<string, string>();
        for (let i = 0; i < instance.projects.length; i += CHUNK) {
          const chunk = instance.projects.slice(i, i + CHUNK);
          const inserted = await tx
            .insert(buckets)
            .values(chunk.map((p) => {
              const cost = Number(p.cost);
              const title = (p.fields.name ?? '').trim().slice(0, 200) || `Project ${p.id}`;
              return { roundId: round.id, title, summary: '', status: 'open' as const, budgetLines: [{ label: title, amountCents: cost, essential: true }], minCents: cost, maxCents: cost, createdBy: actor.membershipId, createdAt: now(), updatedAt: now() };
            }))
            .returning({ id: buckets.id });
          inserted.forEach((row, j) => bucketOf.set(chunk[j]?.id ?? '', row.id));
        }
        const refs = [...bucketOf].map(([externalId, bucketId]) => ({ bucketId, roundId: round.id, externalId }));
        for (let i = 0; i < refs.length; i += CHUNK) await tx.insert(voteProjectRefs).values(refs.slice(i, i + CHUNK));
        if (districtRow) {
          const rows = [...bucketOf.values()].map((bucketId) => ({ bucketId, districtId: districtRow.id }));
          for (let i = 0; i < rows.length; i += CHUNK) await tx.insert(voteProjectDistricts).values(rows.slice(i, i + CHUNK));
        }
        const ballots = instance.votes.map((v) => {
          const choices: Record<string, number> = {};
          v.vote.forEach((id, k) => {
            const bucketId = bucketOf.get(id);
            const points = instance.voteType === 'approval' ? 1 : (v.points?.[k] ?? 0);
            if (bucketId && points > 0) choices[bucketId] = points;
          });
          return { voter: v.voter, choices };
        });
        for (let i = 0; i < ballots.length; i += CHUNK) {
          const chunk = ballots.slice(i, i + CHUNK);
          await tx.execute(sql`
            INSERT INTO vote_ballots (round_id, external_voter, district_id, choices, paper, entered_by)
            SELECT ${round.id}, b.voter, ${districtRow?.id ?? null}::uuid, b.choices, false, ${actor.membershipId}::uuid
            FROM jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) AS b(voter text, choices jsonb)`);
        }
        // The live counts: each project's support.
        await tx.execute(sql`
          UPDATE buckets bk SET contributors = s.support, funding_version = bk.funding_version + 1
          FROM (SELECT key::uuid AS id, SUM(value::int)::int AS support FROM vote_ballots, jsonb_each_text(choices) WHERE round_id = ${round.id} GROUP BY key) s
          WHERE bk.id = s.id`);
        await tx.update(rounds).set({ phase: 'funding', updatedAt: now() }).where(eq(rounds.id, round.id));
        return ballots.filter((b) => Object.keys(b.choices).length > 0).length;
      });
      changes.emit({ roundId: round.id, round: true, bucketIds: [] });
      return { projects: instance.projects.length, voters: instance.votes.length, ballots: cast, district: district ?? null, budgetCents, phase: 'funding' };
    },

    /** A vote round's pool (or its only one) as a .pb file; an allowance round as a cumulative one. */
    async exportFile(round: Round, district: string | undefined): Promise<string> {
      if (round.kind === 'vote') return exportVote(db, round, district);
      return exportAllowanceRound(db, round);
    },
  };
}

async function exportVote(ex: Executor, round: Round, district: string | undefined): Promise<string> {
  const settings = (await storedSettings(ex, round.id)) ?? DEFAULT_SETTINGS;
  const districts = await districtsOf(ex, round.id);
  const statuses = round.phase === 'closed' ? (['funded', 'not_funded'] as const) : (['open'] as const);
  const projects = await openProjects(ex, round.id, [...statuses]);
  const pools = [
    ...(districts.length === 0 || projects.some((p) => p.districtId === null) ? [{ id: null as string | null, key: 'citywide', name: null as string | null, budgetCents: settings.budgetCents }] : []),
    ...districts.map((d) => ({ id: d.id as string | null, key: d.id, name: d.name as string | null, budgetCents: d.budgetCents })),
  ];
  const pool = district === undefined ? (pools.length === 1 ? pools[0] : undefined) : pools.find((p) => p.key === district);
  if (!pool) throw badRequest('district_required', 'This round has several pools: say which one to export (district: a district id, or citywide).', { pools: pools.map((p) => p.key) });
  const own = projects.filter((p) => p.districtId === pool.id);
  const ids = new Set(own.map((p) => p.id));
  const refOf = new Map(own.map((p) => [p.id, p.ref]));
  const outcome = round.phase === 'closed'
    ? (await ex.select({ result: voteOutcomes.result, districtId: voteOutcomes.districtId }).from(voteOutcomes).where(eq(voteOutcomes.roundId, round.id))).find((o) => o.districtId === pool.id)?.result
    : undefined;
  const fate = new Map(outcome?.projects.map((p) => [p.bucketId, p]) ?? []);
  const ballots = (await ballotsOf(ex, round.id)).filter((b) => pool.id === null || b.districtId === pool.id);
  const points = settings.ballot.kind === 'points';
  const meta: Record<string, string> = {
    description: round.title,
    ...(pool.name ? { district: pool.name } : {}),
    currency: round.currency,
    rule: metaRule(settings.rule),
    ...(settings.ballot.kind === 'approval'
      ? { min_length: String(settings.ballot.minProjects), ...(settings.ballot.maxProjects !== null ? { max_length: String(settings.ballot.maxProjects) } : {}) }
      : { max_points: String(settings.ballot.maxPerProject), max_sum_points: String(settings.ballot.maxTotal) }),
  };
  return writePb({
    meta,
    voteType: points ? 'cumulative' : 'approval',
    budget: BigInt(pool.budgetCents),
    projects: own.map((p) => ({
      id: p.ref,
      cost: BigInt(p.costCents),
      fields: { name: p.title, ...(fate.has(p.id) ? { votes: String(fate.get(p.id)?.support ?? 0), selected: fate.get(p.id)?.selected ? '1' : '0' } : {}) },
    })),
    votes: ballots.map((b, i) => {
      const mine = Object.entries(b.choices).filter(([id]) => ids.has(id));
      return {
        // Members stay anonymous in the file; imported voters keep the file's ids.
        voter: b.voter.startsWith('x:') ? b.voter.slice(2) : `v${i + 1}`,
        vote: mine.map(([id]) => refOf.get(id) ?? id),
        ...(points ? { points: mine.map(([, value]) => value) } : {}),
        fields: {},
      };
    }),
  });
}

/** An allowance round as Pabulib sees it: a cumulative vote whose budget is Σ allowances and whose points are cents. */
async function exportAllowanceRound(ex: Executor, round: Round): Promise<string> {
  const projects = await ex
    .select({ id: buckets.id, title: buckets.title, maxCents: buckets.maxCents, status: buckets.status })
    .from(buckets)
    .where(and(eq(buckets.roundId, round.id), inArray(buckets.status, ['open', 'funded', 'not_funded', 'awaiting_board', 'completed'])))
    .orderBy(asc(buckets.createdAt), asc(buckets.id));
  const [total] = await ex.select({ cents: sql<number>`coalesce(sum(${participants.allowanceCents}), 0)::bigint`.mapWith(Number) }).from(participants).where(eq(participants.roundId, round.id));
  const rows = await ex
    .select({ participantId: allocations.participantId, bucketId: allocations.bucketId, amountCents: allocations.amountCents })
    .from(allocations)
    .innerJoin(participants, eq(participants.id, allocations.participantId))
    .where(and(eq(participants.roundId, round.id), gt(allocations.amountCents, 0)))
    .orderBy(asc(participants.createdAt), asc(participants.id), asc(allocations.bucketId));
  const byVoter = new Map<string, { vote: string[]; points: number[] }>();
  for (const r of rows) {
    const v = byVoter.get(r.participantId) ?? { vote: [], points: [] };
    v.vote.push(r.bucketId);
    v.points.push(r.amountCents);
    byVoter.set(r.participantId, v);
  }
  const closed = round.phase === 'closed';
  return writePb({
    meta: { description: round.title, currency: round.currency, rule: 'greedy', comment: 'An allowance round: points are cents allocated; budget is the sum of allowances.' },
    voteType: 'cumulative',
    budget: BigInt(total?.cents ?? 0),
    projects: projects.map((p) => ({ id: p.id, cost: BigInt(p.maxCents), fields: { name: p.title, ...(closed ? { selected: ['funded', 'completed'].includes(p.status) ? '1' : '0' } : {}) } })),
    votes: [...byVoter.values()].map((v, i) => ({ voter: `v${i + 1}`, vote: v.vote, points: v.points, fields: {} })),
  });
}
