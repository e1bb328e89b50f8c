import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { testApp, type TestContext } from '../../../test/harness.ts';
import type { Member } from '../../../test/given.ts';
import { parsePb } from '../pabulib/index.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

const api = () => request(t.app.server);
const REMBERTOW = readFileSync(new URL('../../../test/fixtures/pabulib/poland_warszawa_2023_rembertow.pb', import.meta.url), 'utf8');

async function emptyVoteRound(admin?: Member) {
  const who = admin ?? (await t.given.member({ role: 'admin' }));
  const round = await t.given.round(who.organisationId, { kind: 'vote', defaultAllowanceCents: 0, phase: 'proposals' });
  return { admin: who, round };
}

/** Loads a file; `close` replays it: the vote is counted at once. */
async function importPb(admin: Member, roundId: string, text: string, close: boolean) {
  const res = await api().post(`/api/rounds/${roundId}/vote/pabulib`).set(t.given.authFor(admin)).set('content-type', 'text/plain').send(text);
  if (close && res.status === 200) await api().post(`/api/rounds/${roundId}/vote/close`).set(t.given.authFor(admin)).expect(200);
  return res;
}

type Fate = { ref: string; selected: boolean };
const selectedRefs = (body: { pools: { projects: Fate[] }[] }) => body.pools.flatMap((p) => p.projects.filter((x) => x.selected).map((x) => x.ref)).sort();

describe('Pabulib import', () => {
  it('replays Warsaw 2023, Rembertów, to its official outcome', async () => {
    const { admin, round } = await emptyVoteRound();
    const res = await importPb(admin, round.id, REMBERTOW, true);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ projects: 38, voters: 1172, ballots: 1172, district: 'Rembertów', budgetCents: 101_130_800, phase: 'funding' });
    const results = await api().get(`/api/rounds/${round.id}/vote/results`).set(t.given.authFor(admin)).expect(200);
    const official = parsePb(REMBERTOW).projects.filter((p) => p.fields.selected === '1').map((p) => p.id).sort();
    expect(official.length).toBeGreaterThan(0);
    expect(selectedRefs(results.body)).toEqual(official);
    expect(results.body.pools[0]).toMatchObject({ name: 'Rembertów', budgetCents: 101_130_800, voters: 1172, decidedBy: 'greedy' });
  });

  it('opens the vote with the file’s ballots, whose counts show live', async () => {
    const { admin, round } = await emptyVoteRound();
    expect((await importPb(admin, round.id, REMBERTOW, false)).status).toBe(200);
    const board = await api().get(`/api/rounds/${round.id}/board`).set(t.given.authFor(admin)).expect(200);
    expect(board.body.round.phase).toBe('funding');
    const votes = new Map(parsePb(REMBERTOW).projects.map((p) => [p.fields.name, Number(p.fields.votes)]));
    for (const b of board.body.buckets as { title: string; contributors: number }[]) expect(b.contributors).toBe(votes.get(b.title));
  });

  it('loads Toulouse 2019 as a points vote: 3 per project, 7 in all, every project’s supporters as in the file', async () => {
    const toulouse = readFileSync(new URL('../../../test/fixtures/pabulib/france_toulouse_2019_.pb', import.meta.url), 'utf8');
    const { admin, round } = await emptyVoteRound();
    expect((await importPb(admin, round.id, toulouse, true)).status).toBe(200);
    const results = await api().get(`/api/rounds/${round.id}/vote/results`).set(t.given.authFor(admin)).expect(200);
    expect(results.body.ballot).toEqual({ kind: 'points', maxPerProject: 3, maxTotal: 7 });
    const votes = new Map(parsePb(toulouse).projects.map((p) => [p.id, Number(p.fields.votes)]));
    for (const p of results.body.pools[0].projects as { ref: string; supporters: number }[]) expect(p.supporters).toBe(votes.get(p.ref));
    expect(results.body.pools[0].usedCents).toBeLessThanOrEqual(100_000_000);
  });

  it('names the line of a broken file', async () => {
    const { admin, round } = await emptyVoteRound();
    const res = await importPb(admin, round.id, 'META\nkey;value\nbudget;abc\n', false);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('pabulib_invalid');
    expect(typeof res.body.line).toBe('number');
  });

  it('refuses a round that already has projects', async () => {
    const { admin, round } = await emptyVoteRound();
    expect((await importPb(admin, round.id, REMBERTOW, false)).status).toBe(200);
    const again = await importPb(admin, round.id, REMBERTOW, false);
    expect(again.status).toBe(409);
  });
});

describe('Pabulib export', () => {
  it('re-imports to the same outcome', async () => {
    const { admin, round } = await emptyVoteRound();
    expect((await importPb(admin, round.id, REMBERTOW, true)).status).toBe(200);
    const file = await api().get(`/api/rounds/${round.id}/pabulib`).set(t.given.authFor(admin)).expect(200);
    const copy = await emptyVoteRound(admin);
    expect((await importPb(admin, copy.round.id, file.text, true)).status).toBe(200);
    const [first, second] = await Promise.all([round.id, copy.round.id].map((id) => api().get(`/api/rounds/${id}/vote/results`).set(t.given.authFor(admin))));
    expect(selectedRefs(second!.body)).toEqual(selectedRefs(first!.body));
    expect(second!.body.pools[0].projects.map((p: { support: number }) => p.support)).toEqual(first!.body.pools[0].projects.map((p: { support: number }) => p.support));
  });

  it('writes an allowance round as a cumulative vote whose points are cents', async () => {
    const given = await t.given.fundingRound({ members: 2, buckets: 2 });
    const [alice, bob] = given.members as [Member, Member];
    const [first, second] = given.buckets.map((b) => ({ id: b.id })) as [{ id: string }, { id: string }];
    await api().put(`/api/buckets/${first.id}/allocation`).set(t.given.authFor(alice)).send({ amountCents: 12_345 }).expect(200);
    await api().put(`/api/buckets/${second.id}/allocation`).set(t.given.authFor(bob)).send({ amountCents: 500 }).expect(200);
    const file = await api().get(`/api/rounds/${given.round.id}/pabulib`).set(t.given.authFor(given.admin)).expect(200);
    const pb = parsePb(file.text);
    expect(pb.voteType).toBe('cumulative');
    expect(pb.budget).toBe(BigInt(3 * 43_000));
    expect(pb.votes.map((v) => [v.vote, v.points])).toEqual([
      [[first.id], [12_345]],
      [[second.id], [500]],
    ]);
  });
});
