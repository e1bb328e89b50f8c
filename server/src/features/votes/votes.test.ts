import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import type { BallotRules, CountRule } from '@cagnotte/shared';
import { testApp, type TestContext } from '../../../test/harness.ts';
import type { Member } from '../../../test/given.ts';
import { openLive } from '../../../test/live-client.ts';

let t: TestContext;
let base: string;
beforeAll(async () => {
  t = await testApp();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => t.close());

const api = () => request(t.app.server);
const q = async (query: ReturnType<typeof sql>) => (await t.db.execute(query)).rows as Record<string, unknown>[];

/**
 * A vote round in proposals with its settings saved through the API and one open project per
 * cost (a single essential line: min = max = cost); `open` moves it to the vote.
 */
async function voteRound(options: { costs: number[]; budgetCents: number; ballot?: BallotRules; rule?: CountRule; hideCounts?: boolean; voters?: number; districts?: { name: string; budgetCents: number }[] }) {
  const admin = await t.given.member({ role: 'admin' });
  const organisationId = admin.organisationId;
  const round = await t.given.round(organisationId, { kind: 'vote', defaultAllowanceCents: 0, phase: 'proposals' });
  const settings = await api()
    .put(`/api/rounds/${round.id}/vote`)
    .set(t.given.authFor(admin))
    .send({ budgetCents: options.budgetCents, ballot: options.ballot ?? { kind: 'approval', minProjects: 1, maxProjects: null }, rule: options.rule ?? { kind: 'greedy' }, hideCounts: options.hideCounts ?? false, districts: options.districts ?? [] })
    .expect(200);
  const projects = [];
  for (const [i, cost] of options.costs.entries()) {
    projects.push(await t.given.bucket(round.id, admin, { status: 'proposed', title: `Project ${i + 1}`, lines: [{ label: 'Cost', amountCents: cost, essential: true }] }));
  }
  const voters: Member[] = [];
  for (let i = 0; i < (options.voters ?? 3); i++) voters.push(await t.given.member({ organisationId }));
  const open = () => api().post(`/api/rounds/${round.id}/phase`).set(t.given.authFor(admin)).send({ phase: 'funding' }).expect(200);
  return { admin, round, projects, voters, open, districts: settings.body.districts as { id: string; name: string }[] };
}

const cast = (member: Member, roundId: string, body: object) => api().put(`/api/rounds/${roundId}/ballot`).set(t.given.authFor(member)).send(body);
const supportOf = async (bucketId: string) => Number((await q(sql`SELECT contributors FROM buckets WHERE id = ${bucketId}`))[0]?.contributors);

describe('vote settings', () => {
  it('are saved whole before the vote and frozen once it opens', async () => {
    const v = await voteRound({ costs: [1_000], budgetCents: 5_000, districts: [{ name: 'Nord', budgetCents: 2_000 }] });
    const got = await api().get(`/api/rounds/${v.round.id}/vote`).set(t.given.authFor(v.voters[0]!)).expect(200);
    expect(got.body).toMatchObject({ budgetCents: 5_000, rule: { kind: 'greedy' }, districts: [{ name: 'Nord', budgetCents: 2_000 }] });
    await v.open();
    const res = await api().put(`/api/rounds/${v.round.id}/vote`).set(t.given.authFor(v.admin)).send({ budgetCents: 9_000, ballot: { kind: 'approval' } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('vote_rules_frozen');
  });

  it('refuses points rules whose total is below the per-project maximum, naming the field', async () => {
    const v = await voteRound({ costs: [], budgetCents: 1 });
    const res = await api().put(`/api/rounds/${v.round.id}/vote`).set(t.given.authFor(v.admin)).send({ budgetCents: 1, ballot: { kind: 'points', maxPerProject: 5, maxTotal: 3 } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'body.ballot.maxTotal', message: 'must be at least maxPerProject' }]);
  });

  it('refuses an approval minimum above the maximum, and a vote with no budget at all, naming the field', async () => {
    const v = await voteRound({ costs: [], budgetCents: 1 });
    const minOverMax = await api().put(`/api/rounds/${v.round.id}/vote`).set(t.given.authFor(v.admin)).send({ budgetCents: 1, ballot: { kind: 'approval', minProjects: 3, maxProjects: 2 } });
    expect(minOverMax.status).toBe(400);
    expect(minOverMax.body.errors).toEqual([{ path: 'body.ballot.maxProjects', message: 'must be at least minProjects' }]);
    const noBudget = await api().put(`/api/rounds/${v.round.id}/vote`).set(t.given.authFor(v.admin)).send({ budgetCents: 0, ballot: { kind: 'approval' } });
    expect(noBudget.status).toBe(400);
    expect(noBudget.body.errors).toEqual([{ path: 'body.budgetCents', message: 'the vote needs a budget above 0, city-wide or in its districts' }]);
    const emptyDistrict = await api().put(`/api/rounds/${v.round.id}/vote`).set(t.given.authFor(v.admin)).send({ budgetCents: 0, ballot: { kind: 'approval' }, districts: [{ name: 'Nord', budgetCents: 0 }] });
    expect(emptyDistrict.status).toBe(400);
    expect(emptyDistrict.body.errors).toEqual([expect.objectContaining({ path: 'body.districts.0.budgetCents' })]);
    // The districts may carry the whole budget.
    await api().put(`/api/rounds/${v.round.id}/vote`).set(t.given.authFor(v.admin)).send({ budgetCents: 0, ballot: { kind: 'approval' }, districts: [{ name: 'Nord', budgetCents: 500 }] }).expect(200);
    const stored = await api().get(`/api/rounds/${v.round.id}/vote`).set(t.given.authFor(v.admin)).expect(200);
    expect(stored.body).toMatchObject({ budgetCents: 0, districts: [{ name: 'Nord', budgetCents: 500 }] });
  });

  it('rename, keep and remove districts by id', async () => {
    const v = await voteRound({ costs: [1_000], budgetCents: 5_000, districts: [{ name: 'Nord', budgetCents: 2_000 }, { name: 'Sud', budgetCents: 3_000 }] });
    const [nord, sud] = v.districts;
    await api().put(`/api/buckets/${v.projects[0]!.id}/vote-district`).set(t.given.authFor(v.admin)).send({ districtId: sud!.id }).expect(200);
    const saved = await api()
      .put(`/api/rounds/${v.round.id}/vote`)
      .set(t.given.authFor(v.admin))
      .send({ budgetCents: 5_000, ballot: { kind: 'approval' }, districts: [{ id: sud!.id, name: 'Sud-Ouest', budgetCents: 3_500 }, { name: 'Est', budgetCents: 1_000 }] })
      .expect(200);
    expect(saved.body.districts.map((d: { name: string; budgetCents: number }) => [d.name, d.budgetCents])).toEqual([['Sud-Ouest', 3_500], ['Est', 1_000]]);
    expect(saved.body.districts[0].id).toBe(sud!.id);
    expect(saved.body.districts.map((d: { id: string }) => d.id)).not.toContain(nord!.id);
    // The project stays in its renamed district.
    expect(saved.body.projectDistricts).toEqual({ [v.projects[0]!.id]: sud!.id });
  });

  it('are a 409 on a round that allocates money', async () => {
    const admin = await t.given.member({ role: 'admin' });
    const round = await t.given.round(admin.organisationId, { phase: 'proposals' });
    const res = await api().get(`/api/rounds/${round.id}/vote`).set(t.given.authFor(admin));
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('not_vote_round');
  });

  it('keep a vote round without allowance', async () => {
    const admin = await t.given.member({ role: 'admin' });
    const res = await api().post(`/api/orgs/${admin.organisationId}/rounds`).set(t.given.authFor(admin)).send({ title: 'Budget participatif', kind: 'vote', defaultAllowanceCents: 100 });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'body.defaultAllowanceCents', message: 'a vote round hands out no allowance; leave it at 0' }]);
  });
});

describe('PUT /api/rounds/:roundId/ballot', () => {
  it('lets a resident approve projects, then change their ballot, and moves the live counts', async () => {
    const v = await voteRound({ costs: [1_000, 2_000, 3_000], budgetCents: 4_000 });
    await v.open();
    const [a, b, c] = v.projects.map((p) => ({ id: p.id })) as [{ id: string }, { id: string }, { id: string }];
    const first = await cast(v.voters[0]!, v.round.id, { kind: 'approval', approved: [a.id, b.id] }).expect(200);
    expect(first.body).toMatchObject({ voter: true, open: true, ballot: { choices: { [a.id]: 1, [b.id]: 1 }, paper: false } });
    await cast(v.voters[0]!, v.round.id, { kind: 'approval', approved: [c.id] }).expect(200);
    expect([await supportOf(a.id), await supportOf(b.id), await supportOf(c.id)]).toEqual([0, 0, 1]);
    const mine = await api().get(`/api/rounds/${v.round.id}/ballot`).set(t.given.authFor(v.voters[0]!)).expect(200);
    expect(mine.body.ballot.choices).toEqual({ [c.id]: 1 });
  });

  it('names the rule and its figures when a ballot breaks it', async () => {
    const v = await voteRound({ costs: [1_000, 1_000, 1_000], budgetCents: 3_000, ballot: { kind: 'approval', minProjects: 1, maxProjects: 2 } });
    await v.open();
    const ids = v.projects.map((p) => p.id);
    const res = await cast(v.voters[0]!, v.round.id, { kind: 'approval', approved: ids });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'too_many_projects', maxProjects: 2, approved: 3 });
    const wrongKind = await cast(v.voters[0]!, v.round.id, { kind: 'points', points: { [ids[0]!]: 1 } });
    expect(wrongKind.body).toMatchObject({ status: 400, code: 'ballot_kind_mismatch', expected: 'approval' });
  });

  it('keeps the Toulouse rules: at most 3 points on a project and 7 in all', async () => {
    const v = await voteRound({ costs: [1_000, 1_000, 1_000], budgetCents: 3_000, ballot: { kind: 'points', maxPerProject: 3, maxTotal: 7 } });
    await v.open();
    const [a, b, c] = v.projects.map((p) => p.id) as [string, string, string];
    expect((await cast(v.voters[0]!, v.round.id, { kind: 'points', points: { [a]: 4 } })).body).toMatchObject({ code: 'too_many_points_on_project', maxPerProject: 3, bucketId: a, points: 4 });
    expect((await cast(v.voters[0]!, v.round.id, { kind: 'points', points: { [a]: 3, [b]: 3, [c]: 2 } })).body).toMatchObject({ code: 'too_many_points', maxTotal: 7, total: 8 });
    await cast(v.voters[0]!, v.round.id, { kind: 'points', points: { [a]: 3, [b]: 3, [c]: 1 } }).expect(200);
    expect(await supportOf(b)).toBe(3);
  });

  it('hides the counts until the close when the round says so', async () => {
    const v = await voteRound({ costs: [1_000], budgetCents: 1_000, hideCounts: true });
    await v.open();
    await cast(v.voters[0]!, v.round.id, { kind: 'approval', approved: [v.projects[0]!.id] }).expect(200);
    expect(await supportOf(v.projects[0]!.id)).toBe(0);
    await api().post(`/api/rounds/${v.round.id}/vote/close`).set(t.given.authFor(v.admin)).expect(200);
    expect(await supportOf(v.projects[0]!.id)).toBe(1);
  });

  it('shows the counts and the turnout live, over HTTP and the socket', async () => {
    const v = await voteRound({ costs: [1_000, 2_000], budgetCents: 3_000 });
    await v.open();
    const [a] = v.projects.map((p) => p.id) as [string];
    const live = await openLive(base, v.round.id, { token: v.voters[1]!.token });
    expect((await live.next('snapshot')).round.ballots).toBe(0);
    await cast(v.voters[0]!, v.round.id, { kind: 'approval', approved: [a] }).expect(200);
    // The round message comes first in a frame's writes.
    await live.next('round', (m) => m.round.ballots === 1);
    expect((await live.next('frame', (f) => f.buckets.some((b) => b.bucketId === a))).buckets.find((b) => b.bucketId === a)?.contributors).toBe(1);
    const board = await api().get(`/api/rounds/${v.round.id}/board`).set(t.given.authFor(v.voters[1]!)).expect(200);
    expect(board.body.round.ballots).toBe(1);
    expect(board.body.buckets.find((b: { bucketId: string }) => b.bucketId === a).contributors).toBe(1);
    live.close();
  });

  it('counts in the turnout only the ballots that choose something: a withdrawn one leaves it, a paper one joins it', async () => {
    const v = await voteRound({ costs: [1_000, 2_000], budgetCents: 3_000 });
    await v.open();
    const [a] = v.projects.map((p) => p.id) as [string];
    const turnout = async () => (await api().get(`/api/rounds/${v.round.id}/board`).set(t.given.authFor(v.voters[2]!)).expect(200)).body.round.ballots;
    await cast(v.voters[0]!, v.round.id, { kind: 'approval', approved: [a] }).expect(200);
    await cast(v.voters[1]!, v.round.id, { kind: 'approval', approved: [a] }).expect(200);
    expect(await turnout()).toBe(2);
    await cast(v.voters[0]!, v.round.id, { kind: 'approval', approved: [] }).expect(200);
    expect(await turnout()).toBe(1);
    await api().put(`/api/rounds/${v.round.id}/ballots/${v.voters[2]!.membershipId}`).set(t.given.authFor(v.admin)).send({ kind: 'approval', approved: [a] }).expect(200);
    expect(await turnout()).toBe(2);
  });

  it('never sends hidden counts, over HTTP or the socket, only the turnout, until the close reveals them', async () => {
    const v = await voteRound({ costs: [1_000, 2_000], budgetCents: 3_000, hideCounts: true });
    await v.open();
    const [a, b] = v.projects.map((p) => p.id) as [string, string];
    const live = await openLive(base, v.round.id, { token: v.voters[2]!.token });
    await live.next('snapshot');
    await cast(v.voters[0]!, v.round.id, { kind: 'approval', approved: [a, b] }).expect(200);
    await api().put(`/api/rounds/${v.round.id}/ballots/${v.voters[1]!.membershipId}`).set(t.given.authFor(v.admin)).send({ kind: 'approval', approved: [a] }).expect(200);
    await live.next('round', (m) => m.round.ballots === 2);
    const seen = () => live.received.flatMap((m) => (m.type === 'snapshot' || m.type === 'frame' ? m.buckets : []));
    expect(seen().every((bucket) => bucket.contributors === 0)).toBe(true);
    const voter = t.given.authFor(v.voters[2]!);
    const board = await api().get(`/api/rounds/${v.round.id}/board`).set(voter).expect(200);
    expect(board.body.round.ballots).toBe(2);
    expect(board.body.buckets.map((x: { contributors: number }) => x.contributors)).toEqual([0, 0]);
    const list = await api().get(`/api/rounds/${v.round.id}/buckets`).set(voter).expect(200);
    const detail = await api().get(`/api/buckets/${a}`).set(voter).expect(200);
    for (const body of [list.body, detail.body]) expect(JSON.stringify(body)).toMatch(/"contributors":0/);
    for (const body of [list.body, detail.body]) expect(JSON.stringify(body)).not.toMatch(/"contributors":[1-9]/);
    expect((await api().get(`/api/rounds/${v.round.id}/vote/results`).set(voter)).status).toBe(409);

    await api().post(`/api/rounds/${v.round.id}/vote/close`).set(t.given.authFor(v.admin)).expect(200);
    const revealed = await live.next('frame', (f) => f.buckets.some((x) => x.bucketId === a && x.contributors === 2));
    expect(revealed.buckets.find((x) => x.bucketId === b)?.contributors).toBe(1);
    live.close();
  });

  it('refuses a ballot before the vote opens', async () => {
    const v = await voteRound({ costs: [1_000], budgetCents: 1_000 });
    const early = await cast(v.voters[0]!, v.round.id, { kind: 'approval', approved: [v.projects[0]!.id] });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('vote_not_open');
  });

  it('asks for the district in a round that has districts, and keeps it', async () => {
    const v = await voteRound({ costs: [1_000, 1_000], budgetCents: 1_000, districts: [{ name: 'Nord', budgetCents: 1_000 }, { name: 'Sud', budgetCents: 1_000 }] });
    const [nord, sud] = v.districts as [{ id: string; name: string }, { id: string; name: string }];
    await api().put(`/api/buckets/${v.projects[1]!.id}/vote-district`).set(t.given.authFor(v.admin)).send({ districtId: sud.id }).expect(200);
    await v.open();
    expect((await cast(v.voters[0]!, v.round.id, { kind: 'approval', approved: [v.projects[0]!.id] })).body.code).toBe('district_required');
    expect((await cast(v.voters[0]!, v.round.id, { kind: 'approval', districtId: nord.id, approved: [v.projects[1]!.id] })).body).toMatchObject({ code: 'unknown_project', bucketIds: [v.projects[1]!.id] });
    await cast(v.voters[0]!, v.round.id, { kind: 'approval', districtId: nord.id, approved: [v.projects[0]!.id] }).expect(200);
    expect((await cast(v.voters[0]!, v.round.id, { kind: 'approval', districtId: sud.id, approved: [v.projects[1]!.id] })).body.code).toBe('district_fixed');
  });
});

describe('voters’ districts', () => {
  it('are set by staff before the vote, fix the voter’s ballot paper, and no longer change once they voted', async () => {
    const v = await voteRound({ costs: [1_000, 1_000], budgetCents: 1_000, districts: [{ name: 'Nord', budgetCents: 2_000 }, { name: 'Sud', budgetCents: 2_000 }] });
    const nord = v.districts[0]!;
    const sud = v.districts[1]!;
    const north = v.projects[0]!;
    const south = v.projects[1]!;
    for (const [p, d] of [[north, nord], [south, sud]] as const) await api().put(`/api/buckets/${p.id}/vote-district`).set(t.given.authFor(v.admin)).send({ districtId: d.id }).expect(200);
    const voter = v.voters[0]!;
    const setDistrict = (districtId: string | null) => api().put(`/api/rounds/${v.round.id}/voter-districts/${voter.membershipId}`).set(t.given.authFor(v.admin)).send({ districtId });
    expect((await setDistrict(sud.id).expect(200)).body).toEqual({ membershipId: voter.membershipId, districtId: sud.id, voted: false });
    // Staff change their mind before the resident votes.
    await setDistrict(nord.id).expect(200);
    const list = await api().get(`/api/rounds/${v.round.id}/voter-districts`).set(t.given.authFor(v.admin)).expect(200);
    expect(list.body.voters).toEqual([{ membershipId: voter.membershipId, districtId: nord.id, voted: false }]);
    await v.open();

    // The resident votes without naming a district: theirs is Nord, whose project is on their paper, not Sud's.
    expect((await cast(voter, v.round.id, { kind: 'approval', approved: [south.id] })).status).toBe(400);
    expect((await cast(voter, v.round.id, { kind: 'approval', districtId: sud.id, approved: [south.id] })).body).toMatchObject({ code: 'district_fixed' });
    const voted = await cast(voter, v.round.id, { kind: 'approval', approved: [north.id] }).expect(200);
    expect(voted.body.ballot).toMatchObject({ districtId: nord.id, choices: { [north.id]: 1 } });
    const moved = await setDistrict(sud.id);
    expect(moved.status).toBe(409);
    expect(moved.body.code).toBe('district_fixed');
    expect((await setDistrict('00000000-0000-7000-8000-000000000000')).body.code).toBe('unknown_district');
    // Only admins place voters.
    expect((await api().put(`/api/rounds/${v.round.id}/voter-districts/${voter.membershipId}`).set(t.given.authFor(v.voters[1]!)).send({ districtId: nord.id })).status).toBe(403);
  });

  it('count a voter placed by staff who has not voted as no voter at the close', async () => {
    const v = await voteRound({ costs: [1_000], budgetCents: 1_000, districts: [{ name: 'Nord', budgetCents: 2_000 }] });
    const nord = v.districts[0]!;
    await api().put(`/api/buckets/${v.projects[0]!.id}/vote-district`).set(t.given.authFor(v.admin)).send({ districtId: nord.id }).expect(200);
    await api().put(`/api/rounds/${v.round.id}/voter-districts/${v.voters[0]!.membershipId}`).set(t.given.authFor(v.admin)).send({ districtId: nord.id }).expect(200);
    await v.open();
    await cast(v.voters[1]!, v.round.id, { kind: 'approval', districtId: nord.id, approved: [v.projects[0]!.id] }).expect(200);
    const results = await api().post(`/api/rounds/${v.round.id}/vote/close`).set(t.given.authFor(v.admin)).expect(200);
    expect(results.body.pools.find((p: { districtId: string | null }) => p.districtId === nord.id)).toMatchObject({ voters: 1, satisfiedVotersBp: 10_000 });
  });
});

describe('paper ballots', () => {
  it('are entered by staff on a resident’s behalf, marked paper and recorded in the history', async () => {
    const v = await voteRound({ costs: [1_000, 2_000], budgetCents: 2_000 });
    await v.open();
    const resident = v.voters[1]!;
    const res = await api().put(`/api/rounds/${v.round.id}/ballots/${resident.membershipId}`).set(t.given.authFor(v.admin)).send({ kind: 'approval', approved: [v.projects[1]!.id] });
    expect(res.status).toBe(200);
    expect(res.body.ballot).toMatchObject({ paper: true, choices: { [v.projects[1]!.id]: 1 } });
    const history = await api().get(`/api/rounds/${v.round.id}/decisions`).set(t.given.authFor(v.admin)).expect(200);
    expect(history.body.decisions[0]).toMatchObject({ kind: 'paper_ballot_entered', actor: { membershipId: v.admin.membershipId }, data: { membershipId: resident.membershipId, projects: 1 } });
    const own = await cast(resident, v.round.id, { kind: 'approval', approved: [v.projects[0]!.id] }).expect(200);
    expect(own.body.ballot.paper).toBe(false);
  });
});

describe('the close', () => {
  it('counts greedily, explains each project and stores the selection', async () => {
    // Budget 4,000: A (3,000, 3 votes) first; B (2,000, 2 votes) no longer fits; C (1,000, 1 vote) does.
    const v = await voteRound({ costs: [3_000, 2_000, 1_000], budgetCents: 4_000 });
    await v.open();
    const [a, b, c] = v.projects.map((p) => p.id) as [string, string, string];
    await cast(v.voters[0]!, v.round.id, { kind: 'approval', approved: [a, b, c] }).expect(200);
    await cast(v.voters[1]!, v.round.id, { kind: 'approval', approved: [a, b] }).expect(200);
    await cast(v.voters[2]!, v.round.id, { kind: 'approval', approved: [a] }).expect(200);
    const res = await api().post(`/api/rounds/${v.round.id}/vote/close`).set(t.given.authFor(v.admin)).expect(200);
    const [pool] = res.body.pools;
    expect(pool).toMatchObject({ districtId: null, budgetCents: 4_000, usedCents: 4_000, voters: 3, satisfiedVotersBp: 10_000, decidedBy: 'greedy' });
    expect(pool.projects.map((p: { selected: boolean; reason: { code: string } }) => [p.selected, p.reason.code])).toEqual([
      [true, 'greedy-selected'],
      [false, 'greedy-too-expensive'],
      [true, 'greedy-selected'],
    ]);
    expect(pool.projects[1].reason).toMatchObject({ rank: 2, budgetLeft: '1000' });
    const statuses = await q(sql`SELECT id, status FROM buckets WHERE round_id = ${v.round.id} ORDER BY created_at, id`);
    expect(statuses.map((r) => r.status)).toEqual(['funded', 'not_funded', 'funded']);
    const member = await api().get(`/api/rounds/${v.round.id}/vote/results`).set(t.given.authFor(v.voters[0]!)).expect(200);
    expect(member.body.pools).toEqual(res.body.pools);
    const csv = await api().get(`/api/rounds/${v.round.id}/vote/selection.csv`).set(t.given.authFor(v.admin)).expect(200);
    expect(csv.text.split('\r\n')[2]).toBe(`;${b};Project 2;20.00;2;2;no;greedy-too-expensive`);
  });

  it('counts by Equal Shares with per-voter shares for the accountant', async () => {
    const v = await voteRound({ costs: [3_000, 1_000], budgetCents: 4_000, voters: 4, rule: { kind: 'mes', completion: 'add1', compareWithGreedy: false } });
    await v.open();
    const [a, b] = v.projects.map((p) => p.id) as [string, string];
    for (const voter of v.voters.slice(0, 3)) await cast(voter, v.round.id, { kind: 'approval', approved: [a] }).expect(200);
    await cast(v.voters[3]!, v.round.id, { kind: 'approval', approved: [b] }).expect(200);
    const res = await api().post(`/api/rounds/${v.round.id}/vote/close`).set(t.given.authFor(v.admin)).expect(200);
    expect(res.body.pools[0].projects.map((p: { selected: boolean }) => p.selected)).toEqual([true, true]);
    const shares = await api().get(`/api/rounds/${v.round.id}/vote/shares.csv`).set(t.given.authFor(v.admin)).expect(200);
    expect(shares.text).toContain(`m:${v.voters[3]!.membershipId}`);
  });

  it('counts each district against its own budget, city-wide projects for everyone', async () => {
    const v = await voteRound({ costs: [1_000, 1_000, 1_000], budgetCents: 1_000, voters: 2, districts: [{ name: 'Nord', budgetCents: 1_000 }] });
    const [nord] = v.districts as [{ id: string; name: string }];
    const [city, north, north2] = v.projects.map((p) => p.id) as [string, string, string];
    for (const id of [north, north2]) await api().put(`/api/buckets/${id}/vote-district`).set(t.given.authFor(v.admin)).send({ districtId: nord.id }).expect(200);
    await v.open();
    await cast(v.voters[0]!, v.round.id, { kind: 'approval', districtId: nord.id, approved: [city, north] }).expect(200);
    await cast(v.voters[1]!, v.round.id, { kind: 'approval', districtId: nord.id, approved: [north2, north] }).expect(200);
    const res = await api().post(`/api/rounds/${v.round.id}/vote/close`).set(t.given.authFor(v.admin)).expect(200);
    expect(res.body.pools.map((p: { name: string | null; projects: { bucketId: string; selected: boolean }[] }) => [p.name, p.projects.filter((x) => x.selected).map((x) => x.bucketId)])).toEqual([
      [null, [city]],
      ['Nord', [north]],
    ]);
  });

  it('is refused by the money close, which points to the vote close', async () => {
    const v = await voteRound({ costs: [1_000], budgetCents: 1_000 });
    await v.open();
    const res = await api().post(`/api/rounds/${v.round.id}/close`).set(t.given.authFor(v.admin));
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('vote_round');
  });

  it('happens at the close date, by the scheduler', async () => {
    const v = await voteRound({ costs: [1_000], budgetCents: 1_000 });
    await v.open();
    await cast(v.voters[0]!, v.round.id, { kind: 'approval', approved: [v.projects[0]!.id] }).expect(200);
    await t.db.execute(sql`UPDATE rounds SET closes_at = ${new Date(t.clock.now().getTime() - 1_000)} WHERE id = ${v.round.id}`);
    await t.app.jobs.runDue();
    const res = await api().get(`/api/rounds/${v.round.id}/vote/results`).set(t.given.authFor(v.voters[0]!)).expect(200);
    expect(res.body.pools[0].projects[0].selected).toBe(true);
  });
});
