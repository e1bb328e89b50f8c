import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { testApps, type TestContext } from '../../../test/harness.ts';
import type { Member } from '../../../test/given.ts';
import { openLive } from '../../../test/live-client.ts';
import { eventually } from '../../../test/eventually.ts';

let close: () => Promise<void>;
let a: TestContext;
let b: TestContext;
let baseA: string;
let baseB: string;

beforeAll(async () => {
  const apps = await testApps(2);
  close = apps.close;
  [a, b] = apps.instances as [TestContext, TestContext];
  baseA = await a.app.listen({ port: 0, host: '127.0.0.1' });
  baseB = await b.app.listen({ port: 0, host: '127.0.0.1' });
  await eventually(() => a.app.live.listener.connections() > 0 && b.app.live.listener.connections() > 0, 'both instances to LISTEN');
});
afterAll(() => close());

async function fund(bucketId: string, fundedCents: number): Promise<number> {
  const { rows } = await a.pool.query<{ funding_version: string }>(
    'UPDATE buckets SET funded_cents = $2, contributors = 1, funding_version = funding_version + 1 WHERE id = $1 RETURNING funding_version',
    [bucketId, fundedCents],
  );
  return Number(rows[0]?.funding_version);
}

describe('several instances on one database', () => {
  it('shows three watchers on two instances a member’s allocation made through one of them', async () => {
    const { round, members, buckets } = await a.given.fundingRound({ members: 4 });
    const [bucket] = buckets;
    if (!bucket) throw new Error('no bucket');
    const [w1, w2, w3, allocator] = members as [Member, Member, Member, Member];
    const watchers = await Promise.all([openLive(baseA, round.id, { token: w1.token }), openLive(baseB, round.id, { token: w2.token }), openLive(baseB, round.id, { token: w3.token })]);
    await Promise.all(watchers.map((w) => w.next('snapshot')));

    const res = await request(a.app.server).put(`/api/buckets/${bucket.id}/allocation`).set(a.given.authFor(allocator)).send({ amountCents: 31_000 });
    expect(res.status).toBe(200);

    const seen = await Promise.all(watchers.map((w) => w.next('frame', (f) => f.buckets.some((x) => x.bucketId === bucket.id && x.fundedCents === 31_000))));
    expect(seen.map((f) => f.buckets.find((x) => x.bucketId === bucket.id)?.fundingVersion)).toEqual([res.body.bucket.fundingVersion, res.body.bucket.fundingVersion, res.body.bucket.fundingVersion]);
    for (const w of watchers) w.close();
  });

  it('pushes a change committed on one instance to the sockets of another', async () => {
    const { round, members, buckets } = await a.given.fundingRound({ members: 1 });
    const [bucket] = buckets;
    if (!bucket) throw new Error('no bucket');
    const onB = await openLive(baseB, round.id, { token: (members[0] as Member).token });
    await onB.next('snapshot');

    const version = await fund(bucket.id, 64_000);
    a.app.changes.emit({ roundId: round.id, bucketIds: [bucket.id] });

    const frame = await onB.next('frame');
    expect(frame.buckets).toEqual([expect.objectContaining({ bucketId: bucket.id, fundedCents: 64_000, fundingVersion: version })]);
    onB.close();
  });

  it('sends a member’s balance to their tabs on every instance', async () => {
    const { round, members } = await a.given.fundingRound({ members: 1 });
    const member = members[0] as Member;
    const tabs = await Promise.all([openLive(baseA, round.id, { token: member.token }), openLive(baseB, round.id, { token: member.token })]);
    await Promise.all(tabs.map((tab) => tab.next('me')));

    await a.pool.query('UPDATE participants SET allowance_cents = 60000, version = version + 1 WHERE round_id = $1 AND membership_id = $2', [round.id, member.membershipId]);
    a.app.changes.emit({ roundId: round.id, membershipIds: [member.membershipId] });

    for (const tab of tabs) expect(await tab.next('me')).toMatchObject({ allowanceCents: 60_000 });
    for (const tab of tabs) tab.close();
  });

  it('sends a round change to the sockets of another instance', async () => {
    const { round, members } = await a.given.fundingRound({ members: 1 });
    const onB = await openLive(baseB, round.id, { token: (members[0] as Member).token });
    await onB.next('snapshot');
    await a.pool.query("UPDATE rounds SET phase = 'closed', closed_at = now() WHERE id = $1", [round.id]);
    a.app.changes.emit({ roundId: round.id, round: true });
    expect((await onB.next('round')).round.phase).toBe('closed');
    onB.close();
  });

  it('comes back after losing its LISTEN connection, re-sends the whole round, and hears later changes', async () => {
    const { round, members, buckets } = await a.given.fundingRound({ members: 1 });
    const [bucket] = buckets;
    if (!bucket) throw new Error('no bucket');
    const onB = await openLive(baseB, round.id, { token: (members[0] as Member).token });
    await onB.next('snapshot');

    const before = b.app.live.listener.connections();
    await a.pool.query('SELECT pg_terminate_backend($1)', [b.app.live.listener.pid()]);
    // Announced while B may be deaf: the snapshot B re-sends once reconnected covers it.
    const missed = await fund(bucket.id, 10_000);
    a.app.changes.emit({ roundId: round.id, bucketIds: [bucket.id] });
    await eventually(() => b.app.live.listener.connections() > before, 'the listener to reconnect');
    await onB.next('snapshot');
    const seen = onB.received.flatMap((m) => (m.type === 'snapshot' || m.type === 'frame' ? m.buckets : []));
    expect(Math.max(...seen.map((x) => x.fundingVersion))).toBeGreaterThanOrEqual(missed);

    const version = await fund(bucket.id, 20_000);
    a.app.changes.emit({ roundId: round.id, bucketIds: [bucket.id] });
    expect(await onB.next('frame', (f) => f.buckets.some((x) => x.fundingVersion === version))).toBeTruthy();
    onB.close();
  });

  it('still delivers, on the sweep, a change whose notification was lost', async () => {
    const { round, members, buckets } = await a.given.fundingRound({ members: 1 });
    const [bucket] = buckets;
    if (!bucket) throw new Error('no bucket');
    const onB = await openLive(baseB, round.id, { token: (members[0] as Member).token });
    await onB.next('snapshot');
    const version = await fund(bucket.id, 7_000);
    await b.app.live.sweep();
    expect((await onB.next('frame')).buckets[0]).toMatchObject({ fundedCents: 7_000, fundingVersion: version });
    onB.close();
  });
});
