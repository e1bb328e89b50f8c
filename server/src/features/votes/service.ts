import { and, asc, eq, inArray, isNotNull, lte, notInArray, sql } from 'drizzle-orm';
import { holdsAllowance, type BallotInput, type MyBallot, type VoteResults, type VoteSettings, type VoteSettingsInput, type VoterDistrict, type VoterDistricts, voteSettingsErrors } from '@cagnotte/shared';
import type { Db, Executor } from '../../db/client.ts';
import { memberships, rounds, voteBallots, voteDistricts, voteOutcomes, voteProjectDistricts, voteSettings } from '../../db/schema.ts';
import type { Actor, Bucket, Round } from '../../domain/model.ts';
import { badRequest, conflict, forbidden, notFound } from '../../domain/errors.ts';
import { lockRoundExclusive, lockRoundShared } from '../ledger/index.ts';
import { recordDecision } from '../decisions/record.ts';
import type { Changes } from '../live/changes.ts';
import { countVotes } from '../vote-count/index.ts';
import { ballotsOf, DEFAULT_SETTINGS, districtsOf, moveSupport, openProjects, readSettings, storedSettings } from './queries.ts';
import { checkBallot, electionOf, isRefusal, poolResult, supportDelta, toCountRule, type Refusal } from './rules.ts';

export type VotesService = ReturnType<typeof makeVotesService>;

type Log = { error: (details: object, message: string) => void };

function refuse(refusal: Refusal): never {
  if (refusal.status === 400) throw badRequest(refusal.code, refusal.detail, refusal.figures);
  throw conflict(refusal.code, refusal.detail, refusal.figures);
}

export function assertVoteRound(round: Pick<Round, 'kind'>): void {
  if (round.kind !== 'vote') throw conflict('not_vote_round', 'This round is not a vote round: its members allocate money.');
}

const BEFORE_VOTE = ['draft', 'proposals'] as const;

function assertBeforeVote(round: Pick<Round, 'phase'>): void {
  if (!(BEFORE_VOTE as readonly string[]).includes(round.phase)) {
    throw conflict('vote_rules_frozen', `The vote has ${round.phase === 'closed' ? 'closed' : 'opened'}: its budget, districts, ballot and counting rule can no longer change.`, { phase: round.phase });
  }
}

export function makeVotesService({ db, now, changes, log }: { db: Db; now: () => Date; changes: Changes; log: Log }) {
  async function voterIn(ex: Executor, round: Round, membershipId: string): Promise<boolean> {
    const [m] = await ex
      .select({ role: memberships.role, eligible: memberships.eligible, active: memberships.active })
      .from(memberships)
      .where(and(eq(memberships.id, membershipId), eq(memberships.organisationId, round.organisationId)));
    if (!m) throw notFound('member');
    return holdsAllowance(m, round.allowanceHolders);
  }

  async function ballotOf(ex: Executor, roundId: string, membershipId: string) {
    const [row] = await ex.select().from(voteBallots).where(and(eq(voteBallots.roundId, roundId), eq(voteBallots.membershipId, membershipId)));
    return row ?? null;
  }

  async function myBallot(round: Round, membershipId: string): Promise<MyBallot> {
    const settings = (await storedSettings(db, round.id)) ?? DEFAULT_SETTINGS;
    const row = await ballotOf(db, round.id, membershipId);
    return {
      roundId: round.id,
      rules: settings.ballot,
      voter: await voterIn(db, round, membershipId),
      open: round.phase === 'funding',
      ballot: row ? { districtId: row.districtId, choices: row.choices, paper: row.paper, updatedAt: row.updatedAt.toISOString() } : null,
    };
  }

  /**
   * Sets a voter's ballot, whole. Takes the round's advisory lock in shared mode, as an
   * allocation does, and re-reads the phase under it: the close takes it exclusively, so a ballot
   * in flight lands and counts, and a later one sees `closed`.
   */
  async function cast(round: Round, membershipId: string, input: BallotInput, entry: { paperBy: Actor | null }): Promise<MyBallot> {
    assertVoteRound(round);
    if (!(await voterIn(db, round, membershipId))) {
      throw entry.paperBy
        ? conflict('not_a_voter', 'This member does not vote in this round (see the round’s allowanceHolders rule).')
        : forbidden('You do not vote in this round (see the round’s allowanceHolders rule).', 'not_a_voter');
    }
    const changed = await db.transaction(async (tx) => {
      await lockRoundShared(tx, round.id);
      const [current] = await tx.select({ phase: rounds.phase }).from(rounds).where(eq(rounds.id, round.id));
      if (current?.phase !== 'funding') throw conflict('vote_not_open', `Ballots are cast while the round is in funding; it is ${current?.phase ?? 'gone'}.`, { phase: current?.phase });
      const settings = (await storedSettings(tx, round.id)) ?? DEFAULT_SETTINGS;
      const districts = await districtsOf(tx, round.id);
      const projects = await openProjects(tx, round.id);
      await tx.execute(sql`INSERT INTO vote_ballots (round_id, membership_id, choices) VALUES (${round.id}, ${membershipId}, '{}'::jsonb) ON CONFLICT DO NOTHING`);
      const [existing] = await tx
        .select()
        .from(voteBallots)
        .where(and(eq(voteBallots.roundId, round.id), eq(voteBallots.membershipId, membershipId)))
        .for('update');
      if (!existing) throw new Error('ballot row missing after upsert');
      const firstBallot = Object.keys(existing.choices).length === 0 && existing.districtId === null;
      const checked = checkBallot(input, {
        rules: settings.ballot,
        districtIds: new Set(districts.map((d) => d.id)),
        projects: new Map(projects.map((p) => [p.id, p])),
        currentDistrictId: firstBallot ? undefined : existing.districtId,
      });
      if (isRefusal(checked)) refuse(checked);
      const delta = supportDelta(existing.choices, checked.choices);
      const empty = Object.keys(checked.choices).length === 0;
      await tx
        .update(voteBallots)
        .set({
          choices: checked.choices,
          // An emptied ballot keeps its district only if one was already fixed.
          districtId: empty && firstBallot ? null : checked.districtId,
          paper: entry.paperBy !== null,
          enteredBy: entry.paperBy?.membershipId ?? null,
          updatedAt: now(),
        })
        .where(eq(voteBallots.id, existing.id));
      if (!settings.hideCounts) await moveSupport(tx, delta);
      if (entry.paperBy) {
        await recordDecision(tx, {
          roundId: round.id,
          kind: 'paper_ballot_entered',
          actorId: entry.paperBy.membershipId,
          data: { membershipId, projects: Object.keys(checked.choices).length, ...(settings.ballot.kind === 'points' ? { points: Object.values(checked.choices).reduce((a, b) => a + b, 0) } : {}) },
        });
      }
      // Turnout moves when a ballot gets its first choice or loses its last: the round's live state says it.
      const turnout = Object.keys(existing.choices).length === 0 !== empty;
      return { bucketIds: settings.hideCounts ? [] : [...delta.keys()], turnout };
    });
    if (changed.bucketIds.length > 0 || changed.turnout) changes.emit({ roundId: round.id, bucketIds: changed.bucketIds, round: changed.turnout });
    const fresh = await db.select().from(rounds).where(eq(rounds.id, round.id));
    return myBallot(fresh[0] ?? round, membershipId);
  }

  /**
   * Closes a vote round exactly once and counts it, in one transaction: per pool (the city-wide
   * projects, and each district's), the ballots go to `countVotes` under the round's rule; the
   * outcome is stored with every project's fate; selected projects become `funded`, the others
   * `not_funded`; each project's support becomes its `contributors`, now shown whatever the
   * round hid. Null when the round was not in funding (someone else closed it).
   */
  async function close(roundId: string, actorId: string | null): Promise<string[] | null> {
    const result = await db.transaction(async (tx) => {
      await lockRoundExclusive(tx, roundId);
      const at = now();
      const [round] = await tx
        .update(rounds)
        .set({ phase: 'closed', closedAt: at, updatedAt: at })
        .where(and(eq(rounds.id, roundId), eq(rounds.phase, 'funding'), eq(rounds.kind, 'vote')))
        .returning();
      if (!round) return null;
      const settings = (await storedSettings(tx, roundId)) ?? DEFAULT_SETTINGS;
      const districts = await districtsOf(tx, roundId);
      const projects = await openProjects(tx, roundId);
      const ballots = await ballotsOf(tx, roundId);
      const pools = [
        ...(districts.length === 0 || projects.some((p) => p.districtId === null) ? [{ districtId: null, name: null, budgetCents: settings.budgetCents }] : []),
        ...districts.map((d) => ({ districtId: d.id, name: d.name, budgetCents: d.budgetCents })),
      ];
      const selected: string[] = [];
      const support = new Map<string, number>();
      for (const pool of pools) {
        const election = electionOf(pool, projects, ballots, settings.ballot);
        const outcome = countVotes(election, toCountRule(settings.rule));
        const stored = poolResult(pool, projects, election, outcome);
        const shares = Object.fromEntries((outcome.mes?.shares ?? []).map((s) => [s.voter, `${s.spent.num}/${s.spent.den}`]));
        await tx.insert(voteOutcomes).values({ roundId, districtId: pool.districtId, result: stored, shares });
        for (const p of stored.projects) {
          support.set(p.bucketId, p.support);
          if (p.selected) selected.push(p.bucketId);
        }
      }
      const ids = projects.map((p) => p.id);
      if (ids.length > 0) {
        await tx.execute(sql`
          UPDATE buckets b SET
            status = CASE WHEN b.id = ANY(${sql.param(selected)}::uuid[]) THEN 'funded'::bucket_status ELSE 'not_funded'::bucket_status END,
            contributors = d.support, funding_version = b.funding_version + 1, funding_ended_at = ${at}, updated_at = ${at}
          FROM unnest(${sql.param(ids)}::uuid[], ${sql.param(ids.map((id) => support.get(id) ?? 0))}::int[]) AS d(id, support)
          WHERE b.id = d.id`);
      }
      await recordDecision(tx, {
        roundId,
        kind: 'vote_counted',
        actorId,
        data: { rule: settings.rule.kind, ballots: ballots.length, selected: selected.length, projects: ids.length },
      });
      return ids;
    });
    if (result) changes.emit({ roundId, round: true, bucketIds: result });
    return result;
  }

  async function results(round: Round): Promise<VoteResults> {
    assertVoteRound(round);
    if (round.phase !== 'closed' || !round.closedAt) throw conflict('vote_not_closed', 'The results are counted when the vote closes.', { phase: round.phase });
    const settings = (await storedSettings(db, round.id)) ?? DEFAULT_SETTINGS;
    const rows = await db.select().from(voteOutcomes).where(eq(voteOutcomes.roundId, round.id)).orderBy(asc(voteOutcomes.createdAt), asc(voteOutcomes.id));
    return { roundId: round.id, currency: round.currency, rule: settings.rule, ballot: settings.ballot, closedAt: round.closedAt.toISOString(), pools: rows.map((r) => r.result) };
  }

  return {
    async settings(round: Round): Promise<VoteSettings> {
      assertVoteRound(round);
      return readSettings(db, round.id);
    },

    /** Replaces the settings whole, in draft or proposals; districts sent with their id keep it. */
    async saveSettings(round: Round, input: VoteSettingsInput): Promise<VoteSettings> {
      assertVoteRound(round);
      return db.transaction(async (tx) => {
        const [locked] = await tx.select({ phase: rounds.phase }).from(rounds).where(eq(rounds.id, round.id)).for('update');
        if (!locked) throw notFound('round');
        assertBeforeVote(locked);
        const invalid = voteSettingsErrors(input);
        if (invalid.length > 0) throw badRequest('validation_failed', invalid.map((e) => `${e.path}: ${e.message}`).join('; '), { errors: invalid });
        const values = { budgetCents: input.budgetCents, ballot: input.ballot, rule: input.rule, hideCounts: input.hideCounts, updatedAt: now() };
        await tx.insert(voteSettings).values({ roundId: round.id, ...values }).onConflictDoUpdate({ target: voteSettings.roundId, set: values });
        const existing = new Set((await districtsOf(tx, round.id)).map((d) => d.id));
        const unknown = input.districts.filter((d) => d.id !== undefined && !existing.has(d.id));
        if (unknown.length > 0) throw badRequest('unknown_district', 'A district sent with an id is not one of this round’s.', { districtIds: unknown.map((d) => d.id) });
        const kept = input.districts.flatMap((d) => (d.id ? [d.id] : []));
        await tx.delete(voteDistricts).where(and(eq(voteDistricts.roundId, round.id), kept.length > 0 ? notInArray(voteDistricts.id, kept) : undefined));
        for (const [position, d] of input.districts.entries()) {
          if (d.id) await tx.update(voteDistricts).set({ name: d.name, budgetCents: d.budgetCents, position }).where(eq(voteDistricts.id, d.id));
          else await tx.insert(voteDistricts).values({ roundId: round.id, name: d.name, budgetCents: d.budgetCents, position });
        }
        changes.emit({ roundId: round.id, round: true });
        return readSettings(tx, round.id);
      });
    },

    async setProjectDistrict(round: Round, bucket: Bucket, districtId: string | null): Promise<VoteSettings> {
      assertVoteRound(round);
      assertBeforeVote(round);
      if (districtId === null) {
        await db.delete(voteProjectDistricts).where(eq(voteProjectDistricts.bucketId, bucket.id));
      } else {
        const [district] = await db.select({ id: voteDistricts.id }).from(voteDistricts).where(and(eq(voteDistricts.id, districtId), eq(voteDistricts.roundId, round.id)));
        if (!district) throw badRequest('unknown_district', 'No such district in this round.', { districtId });
        await db.insert(voteProjectDistricts).values({ bucketId: bucket.id, districtId }).onConflictDoUpdate({ target: voteProjectDistricts.bucketId, set: { districtId } });
      }
      return readSettings(db, round.id);
    },

    /** Every member's district as staff or their first ballot set it. */
    async voterDistricts(round: Round): Promise<VoterDistricts> {
      assertVoteRound(round);
      const rows = await db
        .select({ membershipId: voteBallots.membershipId, districtId: voteBallots.districtId, choices: voteBallots.choices })
        .from(voteBallots)
        .where(and(eq(voteBallots.roundId, round.id), isNotNull(voteBallots.membershipId), isNotNull(voteBallots.districtId)));
      return { voters: rows.map((r) => ({ membershipId: r.membershipId ?? '', districtId: r.districtId, voted: Object.keys(r.choices).length > 0 })) };
    },

    /**
     * Staff attach a member to a district before they vote (or detach them, null). Once the
     * member has voted, their ballot's projects are their district's: it no longer changes.
     */
    async setVoterDistrict(round: Round, membershipId: string, districtId: string | null): Promise<VoterDistrict> {
      assertVoteRound(round);
      if (round.phase === 'closed') throw conflict('vote_closed', 'The vote is closed: its voters’ districts no longer change.');
      if (!(await voterIn(db, round, membershipId))) throw conflict('not_a_voter', 'This member does not vote in this round (see the round’s allowanceHolders rule).');
      return db.transaction(async (tx) => {
        if (districtId !== null) {
          const [district] = await tx.select({ id: voteDistricts.id }).from(voteDistricts).where(and(eq(voteDistricts.id, districtId), eq(voteDistricts.roundId, round.id)));
          if (!district) throw badRequest('unknown_district', 'No such district in this round.', { districtId });
        }
        await tx.execute(sql`INSERT INTO vote_ballots (round_id, membership_id, choices) VALUES (${round.id}, ${membershipId}, '{}'::jsonb) ON CONFLICT DO NOTHING`);
        const [ballot] = await tx.select().from(voteBallots).where(and(eq(voteBallots.roundId, round.id), eq(voteBallots.membershipId, membershipId))).for('update');
        if (!ballot) throw new Error('ballot row missing after upsert');
        const voted = Object.keys(ballot.choices).length > 0;
        if (voted && ballot.districtId !== districtId) {
          throw conflict('district_fixed', 'This member has voted in their district: their ballot’s projects are that district’s, so it no longer changes.', { districtId: ballot.districtId });
        }
        await tx.update(voteBallots).set({ districtId }).where(eq(voteBallots.id, ballot.id));
        return { membershipId, districtId, voted };
      });
    },

    async myBallot(actor: Actor, round: Round): Promise<MyBallot> {
      assertVoteRound(round);
      return myBallot(round, actor.membershipId);
    },

    cast: (actor: Actor, round: Round, input: BallotInput) => cast(round, actor.membershipId, input, { paperBy: null }),

    /** Staff read a member's ballot before entering their paper one. */
    async ballotOf(round: Round, membershipId: string): Promise<MyBallot> {
      assertVoteRound(round);
      return myBallot(round, membershipId);
    },

    enterPaper: (actor: Actor, round: Round, membershipId: string, input: BallotInput) => cast(round, membershipId, input, { paperBy: actor }),

    async close(actor: Actor, round: Round): Promise<VoteResults> {
      assertVoteRound(round);
      if (round.phase !== 'funding') throw conflict('vote_not_open', `Only a vote in progress (funding) can close; this one is ${round.phase}.`, { phase: round.phase });
      if (!(await close(round.id, actor.membershipId))) throw conflict('vote_not_open', 'The vote was closed at the same time.');
      const [closed] = await db.select().from(rounds).where(eq(rounds.id, round.id));
      if (!closed) throw notFound('round');
      return results(closed);
    },

    /** Closes vote rounds whose close date has come; whichever instance gets there first counts. */
    async closeDue(): Promise<number> {
      const due = await db.select({ id: rounds.id }).from(rounds).where(and(eq(rounds.kind, 'vote'), eq(rounds.phase, 'funding'), lte(rounds.closesAt, now())));
      let closed = 0;
      for (const { id } of due) {
        try {
          if (await close(id, null)) closed += 1;
        } catch (error) {
          log.error({ err: error, roundId: id }, 'scheduled vote close failed');
        }
      }
      return closed;
    },

    results,

    /** The accountant's files: the selection, and what each voter's equal share paid for (MES). */
    async selectionRows(round: Round) {
      const r = await results(round);
      return r.pools.flatMap((pool) => pool.projects.map((p) => ({ pool, project: p })));
    },

    async shareRows(round: Round) {
      await results(round);
      const rows = await db.select({ districtId: voteOutcomes.districtId, shares: voteOutcomes.shares }).from(voteOutcomes).where(eq(voteOutcomes.roundId, round.id));
      const memberIds = rows.flatMap((r) => Object.keys(r.shares)).filter((k) => k.startsWith('m:')).map((k) => k.slice(2));
      const names = new Map<string, { name: string; memberNumber: string | null }>();
      for (let i = 0; i < memberIds.length; i += 5000) {
        const chunk = memberIds.slice(i, i + 5000);
        for (const m of await db.select({ id: memberships.id, name: memberships.name, memberNumber: memberships.memberNumber }).from(memberships).where(inArray(memberships.id, chunk))) names.set(m.id, m);
      }
      const districts = new Map((await districtsOf(db, round.id)).map((d) => [d.id, d.name]));
      return rows.flatMap((r) => Object.entries(r.shares).map(([voter, spent]) => ({ district: r.districtId ? districts.get(r.districtId) ?? '' : '', voter, member: voter.startsWith('m:') ? names.get(voter.slice(2)) ?? null : null, spent })));
    },
  };
}

