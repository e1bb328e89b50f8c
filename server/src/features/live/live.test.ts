import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { WebSocket } from 'ws';
import { LiveCloseCode, LiveTicket } from '@cagnotte/shared';
import { TEST_ORIGIN, testApp, type TestContext } from '../../../test/harness.ts';
import type { Member } from '../../../test/given.ts';
import { liveUrl, openLive, refusedLive } from '../../../test/live-client.ts';
import { eventually } from '../../../test/eventually.ts';

let t: TestContext;
let base: string;
beforeAll(async () => {
  t = await testApp();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => t.close());

/** Sets a bucket's funding as the allocation path would, and returns its new fundingVersion. */
async function fund(bucketId: string, fundedCents: number, contributors = 1): Promise<number> {
  const { rows } = await t.pool.query<{ funding_version: number }>(
    'UPDATE buckets SET funded_cents = $2, contributors = $3, funding_version = funding_version + 1 WHERE id = $1 RETURNING funding_version',
    [bucketId, fundedCents, contributors],
  );
  const version = rows[0]?.funding_version;
  if (version === undefined) throw new Error('no such bucket');
  return Number(version);
}

const bearer = (member: Member) => ({ token: member.token });

describe('connecting', () => {
  it('sends a snapshot of the round and of every bucket but drafts, with their funding state', async () => {
    const { admin, round, members, buckets } = await t.given.fundingRound({ members: 1, buckets: 2, round: { nearlyFundedPercent: 70 } });
    const draft = await t.given.bucket(round.id, admin, { status: 'draft' });
    const [open] = buckets;
    if (!open) throw new Error('no bucket');
    await fund(open.id, 75_000);

    const live = await openLive(base, round.id, bearer(members[0] as Member));
    const snapshot = await live.next('snapshot');

    expect(snapshot.round).toMatchObject({ roundId: round.id, phase: 'funding', nearlyFundedPercent: 70, totals: { participants: 2, allowanceCents: 86_000, inFundedBucketsCents: 0 } });
    // Turnout belongs to vote rounds.
    expect(snapshot.round.ballots).toBeNull();
    expect(snapshot.buckets.map((b) => b.bucketId).sort()).toEqual(buckets.map((b) => b.id).sort());
    expect(snapshot.buckets.map((b) => b.bucketId)).not.toContain(draft.id);
    expect(snapshot.buckets.find((b) => b.bucketId === open.id)).toMatchObject({
      status: 'open',
      fundedCents: 75_000,
      minCents: 100_000,
      maxCents: 150_000,
      contributors: 1,
      fundingVersion: 1,
      state: 'nearly_funded',
      shareOfMinimumBp: 7500,
      missingToMinimumCents: 25_000,
      roomLeftCents: 75_000,
    });
    live.close();
  });

  it('then sends the member their own balance', async () => {
    const { round, members } = await t.given.fundingRound({ members: 1 });
    const live = await openLive(base, round.id, bearer(members[0] as Member));
    await live.next('snapshot');
    const me = await live.next('me');
    expect(me).toMatchObject({ roundId: round.id, allowanceCents: 43_000, allocatedCents: 0, remainingCents: 43_000, allocations: [] });
    live.close();
  });

  it('refuses a connection without a session, before the upgrade', async () => {
    const { round } = await t.given.fundingRound();
    const refused = await refusedLive(base, round.id, {});
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('unauthenticated');
  });

  it('refuses a member of another organisation as if the round did not exist', async () => {
    const { round } = await t.given.fundingRound();
    const outsider = await t.given.member();
    const refused = await refusedLive(base, round.id, bearer(outsider));
    expect(refused.status).toBe(404);
    expect(refused.body.code).toBe('not_found');
  });

  it('refuses the session cookie sent from a foreign origin, and accepts it from ours', async () => {
    const { round, members } = await t.given.fundingRound({ members: 1 });
    const cookie = `cagnotte_session=${(members[0] as Member).token}`;
    const foreign = await refusedLive(base, round.id, { cookie, origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('origin_not_allowed');
    expect((await refusedLive(base, round.id, { cookie })).status).toBe(403);

    const live = await openLive(base, round.id, { cookie, origin: TEST_ORIGIN });
    await live.next('snapshot');
    live.close();
  });

  it('answers a plain GET with 426 and spends nothing', async () => {
    const { round, members } = await t.given.fundingRound({ members: 1 });
    const res = await request(t.app.server).get(`/api/rounds/${round.id}/live`).set('authorization', `Bearer ${(members[0] as Member).token}`);
    expect(res.status).toBe(426);
    expect(res.body.code).toBe('upgrade_required');
  });

  it('refuses a malformed round id with 400', async () => {
    const member = await t.given.member();
    expect((await refusedLive(base, 'not-a-uuid', bearer(member))).status).toBe(400);
  });
});

describe('live tickets', () => {
  async function ticketFor(member: Member, roundId: string): Promise<LiveTicket> {
    const res = await request(t.app.server).post(`/api/rounds/${roundId}/live-ticket`).set(t.given.authFor(member));
    expect(res.status).toBe(201);
    return LiveTicket.parse(res.body);
  }

  it('opens the socket once with a ticket, never twice', async () => {
    const { round, members } = await t.given.fundingRound({ members: 1 });
    const member = members[0] as Member;
    const { ticket, expiresAt } = await ticketFor(member, round.id);
    expect(ticket).toMatch(/^[\w-]{43}$/);
    expect(new Date(expiresAt).getTime() - t.clock.now().getTime()).toBe(30_000);

    const live = await openLive(base, round.id, { ticket });
    await live.next('snapshot');
    expect((await live.next('me')).allowanceCents).toBe(43_000);
    live.close();

    const again = await refusedLive(base, round.id, { ticket });
    expect(again.status).toBe(401);
  });

  it('stores only the hash of a ticket', async () => {
    const { round, members } = await t.given.fundingRound({ members: 1 });
    const { ticket } = await ticketFor(members[0] as Member, round.id);
    const { rows } = await t.pool.query('SELECT ticket_hash FROM live_tickets WHERE round_id = $1', [round.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].ticket_hash).not.toContain(ticket);
    expect(rows[0].ticket_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a ticket older than 30 seconds', async () => {
    const { round, members } = await t.given.fundingRound({ members: 1 });
    const { ticket } = await ticketFor(members[0] as Member, round.id);
    t.clock.advance(30_001);
    expect((await refusedLive(base, round.id, { ticket })).status).toBe(401);
  });

  it('refuses a ticket on another round than its own', async () => {
    const first = await t.given.fundingRound({ members: 1 });
    const other = await t.given.round(first.admin.organisationId, { phase: 'funding' });
    const { ticket } = await ticketFor(first.members[0] as Member, first.round.id);
    expect((await refusedLive(base, other.id, { ticket })).status).toBe(401);
  });

  it('refuses a ticket whose session was signed out meanwhile', async () => {
    const { round, members } = await t.given.fundingRound({ members: 1 });
    const member = members[0] as Member;
    const { ticket } = await ticketFor(member, round.id);
    await request(t.app.server).delete('/api/auth/session').set(t.given.authFor(member)).expect(204);
    expect((await refusedLive(base, round.id, { ticket })).status).toBe(401);
  });

  it('gives no ticket for another organisation’s round, nor without a session', async () => {
    const { round } = await t.given.fundingRound();
    const outsider = await t.given.member();
    expect((await request(t.app.server).post(`/api/rounds/${round.id}/live-ticket`).set(t.given.authFor(outsider))).status).toBe(404);
    expect((await request(t.app.server).post(`/api/rounds/${round.id}/live-ticket`)).status).toBe(401);
  });

  it('asks a cookie-authenticated ticket request for one of our origins', async () => {
    const { round, members } = await t.given.fundingRound({ members: 1 });
    const cookie = `cagnotte_session=${(members[0] as Member).token}`;
    const res = await request(t.app.server).post(`/api/rounds/${round.id}/live-ticket`).set('cookie', cookie).set('origin', 'https://evil.example');
    expect(res.status).toBe(403);
    await request(t.app.server).post(`/api/rounds/${round.id}/live-ticket`).set('cookie', cookie).set('origin', TEST_ORIGIN).expect(201);
  });
});

describe('frames', () => {
  it('pushes only the buckets that changed, with their new fundingVersion', async () => {
    const { round, members, buckets } = await t.given.fundingRound({ members: 1, buckets: 2 });
    const [changed] = buckets;
    if (!changed) throw new Error('no bucket');
    const live = await openLive(base, round.id, bearer(members[0] as Member));
    await live.next('snapshot');

    const version = await fund(changed.id, 100_000, 3);
    t.app.changes.emit({ roundId: round.id, bucketIds: [changed.id] });

    const frame = await live.next('frame');
    expect(frame.roundId).toBe(round.id);
    expect(frame.buckets).toEqual([expect.objectContaining({ bucketId: changed.id, fundedCents: 100_000, contributors: 3, fundingVersion: version, state: 'minimum_reached' })]);
    live.close();
  });

  it('coalesces many changes within one interval into one frame with the final states', async () => {
    const { round, members, buckets } = await t.given.fundingRound({ members: 1, buckets: 3 });
    const [a, b, c] = buckets;
    if (!a || !b || !c) throw new Error('no buckets');
    const live = await openLive(base, round.id, bearer(members[0] as Member));
    await live.next('snapshot');

    let versionA = 0;
    let versionB = 0;
    for (let i = 1; i <= 5; i++) {
      versionA = await fund(a.id, i * 10_000);
      versionB = await fund(b.id, i * 1_000);
    }
    for (let i = 0; i < 200; i++) t.app.changes.emit({ roundId: round.id, bucketIds: [i % 2 ? a.id : b.id], membershipIds: [(members[0] as Member).membershipId] });

    const frame = await live.next('frame');
    expect(frame.buckets).toHaveLength(2);
    expect(frame.buckets.find((x) => x.bucketId === a.id)).toMatchObject({ fundedCents: 50_000, fundingVersion: versionA });
    expect(frame.buckets.find((x) => x.bucketId === b.id)).toMatchObject({ fundedCents: 5_000, fundingVersion: versionB });

    // A later change's frame comes next: nothing else was sent for the 200 announcements.
    await fund(c.id, 1_000);
    t.app.changes.emit({ roundId: round.id, bucketIds: [c.id] });
    const later = await live.next('frame', (f) => f.buckets.some((x) => x.bucketId === c.id));
    expect(later.buckets.map((x) => x.bucketId)).toEqual([c.id]);
    expect(live.received.filter((m) => m.type === 'frame')).toHaveLength(2);
    expect(live.received.filter((m) => m.type === 'me')).toHaveLength(2);
    live.close();
  });

  it('sends every socket of the round the very same frame', async () => {
    const { round, members, buckets } = await t.given.fundingRound({ members: 2 });
    const [bucket] = buckets;
    if (!bucket) throw new Error('no bucket');
    const sockets = await Promise.all(members.map((m) => openLive(base, round.id, bearer(m))));
    await Promise.all(sockets.map((s) => s.next('snapshot')));
    const raw = sockets.map((s) => new Promise<string>((resolve) => s.socket.once('message', (data) => resolve(data.toString()))));

    await fund(bucket.id, 20_000);
    t.app.changes.emit({ roundId: round.id, bucketIds: [bucket.id] });

    const [first, second] = await Promise.all(raw);
    expect(first).toBe(second);
    expect(JSON.parse(first as string).type).toBe('frame');
    for (const s of sockets) s.close();
  });

  it('delivers an allocation made through the API: the frame to all, the balance to its member', async () => {
    const { round, members, buckets } = await t.given.fundingRound({ members: 2 });
    const [giver, watcher] = members as [Member, Member];
    const [bucket] = buckets;
    if (!bucket) throw new Error('no bucket');
    const mine = await openLive(base, round.id, bearer(giver));
    const theirs = await openLive(base, round.id, bearer(watcher));
    await Promise.all([mine.next('me'), theirs.next('me')]);

    await request(t.app.server).put(`/api/buckets/${bucket.id}/allocation`).set(t.given.authFor(giver)).send({ amountCents: 12_500 }).expect(200);

    const frame = await theirs.next('frame');
    expect(frame.buckets).toEqual([expect.objectContaining({ bucketId: bucket.id, fundedCents: 12_500, contributors: 1 })]);
    const me = await mine.next('me');
    expect(me).toMatchObject({ allocatedCents: 12_500, remainingCents: 43_000 - 12_500, allocations: [{ bucketId: bucket.id, amountCents: 12_500 }] });
    expect(me.version).toBeGreaterThan(0);
    mine.close();
    theirs.close();
  });

  it('tells a bucket sent back to draft to go away', async () => {
    const { round, members, buckets } = await t.given.fundingRound({ members: 1 });
    const [bucket] = buckets;
    if (!bucket) throw new Error('no bucket');
    const live = await openLive(base, round.id, bearer(members[0] as Member));
    await live.next('snapshot');
    await t.pool.query("UPDATE buckets SET status = 'draft' WHERE id = $1", [bucket.id]);
    t.app.changes.emit({ roundId: round.id, bucketIds: [bucket.id] });
    const frame = await live.next('frame');
    expect(frame).toMatchObject({ buckets: [], removedBucketIds: [bucket.id] });
    live.close();
  });

  it('sends a round message when the phase changes', async () => {
    const { round, members } = await t.given.fundingRound({ members: 1 });
    const live = await openLive(base, round.id, bearer(members[0] as Member));
    await live.next('snapshot');
    await t.pool.query("UPDATE rounds SET phase = 'closed', closed_at = now() WHERE id = $1", [round.id]);
    t.app.changes.emit({ roundId: round.id, round: true });
    const message = await live.next('round');
    expect(message.round).toMatchObject({ roundId: round.id, phase: 'closed', totals: { participants: 2, allowanceCents: 86_000, inFundedBucketsCents: 0 } });
    live.close();
  });

  it('never sends anything of a round the socket does not follow', async () => {
    const mine = await t.given.fundingRound({ members: 1 });
    const elsewhere = await t.given.fundingRound({ members: 1 });
    const [myBucket] = mine.buckets;
    const [theirBucket] = elsewhere.buckets;
    if (!myBucket || !theirBucket) throw new Error('no buckets');
    const live = await openLive(base, mine.round.id, bearer(mine.members[0] as Member));
    await live.next('snapshot');

    await fund(theirBucket.id, 5_000);
    t.app.changes.emit({ roundId: elsewhere.round.id, bucketIds: [theirBucket.id], membershipIds: [(elsewhere.members[0] as Member).membershipId], round: true });
    // An id of another round announced for this one must not leak either.
    t.app.changes.emit({ roundId: mine.round.id, bucketIds: [theirBucket.id] });
    await fund(myBucket.id, 5_000);
    t.app.changes.emit({ roundId: mine.round.id, bucketIds: [myBucket.id] });

    await live.next('frame', (f) => f.buckets.some((b) => b.bucketId === myBucket.id));
    const sent = JSON.stringify(live.received);
    expect(sent).not.toContain(elsewhere.round.id);
    expect(sent).not.toContain(theirBucket.id);
    live.close();
  });

  it('catches up on its sweep with a change nobody announced', async () => {
    const { round, members, buckets } = await t.given.fundingRound({ members: 1 });
    const [bucket] = buckets;
    if (!bucket) throw new Error('no bucket');
    const live = await openLive(base, round.id, bearer(members[0] as Member));
    await live.next('snapshot');
    const version = await fund(bucket.id, 42_000);
    await t.app.live.sweep();
    expect((await live.next('frame')).buckets).toEqual([expect.objectContaining({ bucketId: bucket.id, fundingVersion: version })]);
    live.close();
  });

  it('sends a fresh snapshot to a socket that reconnects', async () => {
    const { round, members, buckets } = await t.given.fundingRound({ members: 1 });
    const [bucket] = buckets;
    if (!bucket) throw new Error('no bucket');
    const first = await openLive(base, round.id, bearer(members[0] as Member));
    await first.next('snapshot');
    first.close();
    await first.closed;
    await fund(bucket.id, 33_000);
    const again = await openLive(base, round.id, bearer(members[0] as Member));
    expect((await again.next('snapshot')).buckets[0]).toMatchObject({ fundedCents: 33_000 });
    again.close();
  });
});

describe('the member’s own balance', () => {
  it('goes to every tab of that member, and to nobody else', async () => {
    const { round, members, buckets } = await t.given.fundingRound({ members: 2 });
    const [member, other] = members as [Member, Member];
    const tabs = await Promise.all([openLive(base, round.id, bearer(member)), openLive(base, round.id, bearer(member))]);
    const theirs = await openLive(base, round.id, bearer(other));
    await Promise.all([...tabs, theirs].map((s) => s.next('me')));

    const { rows } = await t.pool.query<{ version: string }>(
      'UPDATE participants SET allowance_cents = 50000, version = version + 1 WHERE round_id = $1 AND membership_id = $2 RETURNING version',
      [round.id, member.membershipId],
    );
    t.app.changes.emit({ roundId: round.id, membershipIds: [member.membershipId] });
    for (const tab of tabs) {
      expect(await tab.next('me')).toMatchObject({ allowanceCents: 50_000, remainingCents: 50_000, version: Number(rows[0]?.version) });
    }

    const [bucket] = buckets;
    if (!bucket) throw new Error('no bucket');
    await fund(bucket.id, 1_000);
    t.app.changes.emit({ roundId: round.id, bucketIds: [bucket.id] });
    await theirs.next('frame');
    expect(theirs.received.filter((m) => m.type === 'me')).toHaveLength(1);
    for (const s of [...tabs, theirs]) s.close();
  });
});

describe('client messages', () => {
  it('answers a ping with exactly one pong, and keeps the socket open', async () => {
    const { round, members } = await t.given.fundingRound({ members: 1 });
    const live = await openLive(base, round.id, bearer(members[0] as Member));
    await live.next('snapshot');
    await live.next('me');
    const before = live.received.length;
    live.socket.send(JSON.stringify({ type: 'ping' }));
    await live.next('pong');
    expect(live.received.slice(before)).toStrictEqual([{ type: 'pong' }]);
    expect(live.socket.readyState).toBe(WebSocket.OPEN);
    live.close();
  });

  it('closes on a message it does not understand', async () => {
    const { round, members } = await t.given.fundingRound({ members: 1 });
    const live = await openLive(base, round.id, bearer(members[0] as Member));
    await live.next('snapshot');
    live.socket.send(JSON.stringify({ type: 'allocate', amountCents: 1 }));
    expect((await live.closed).code).toBe(1008);
  });

  it('closes on a message larger than 4 KiB', async () => {
    const { round, members } = await t.given.fundingRound({ members: 1 });
    const live = await openLive(base, round.id, bearer(members[0] as Member));
    await live.next('snapshot');
    live.socket.send(JSON.stringify({ type: 'ping', padding: 'x'.repeat(5000) }));
    expect((await live.closed).code).toBe(1009);
  });
});

describe('a socket that does not keep up', () => {
  it('is dropped with 4008 once its unsent data passes the cap, and nobody else is', async () => {
    const slowApp = await testApp({ live: { maxBufferedBytes: 64 * 1024 } });
    try {
      const slowBase = await slowApp.app.listen({ port: 0, host: '127.0.0.1' });
      const { admin, round, members } = await slowApp.given.fundingRound({ members: 2, buckets: 0 });
      // Big titles make every full frame about 1 MB, so the loopback buffers fill quickly.
      const buckets = [];
      for (let i = 0; i < 50; i++) buckets.push(await slowApp.given.bucket(round.id, admin, { status: 'open', title: `Project ${i} ${'x'.repeat(20_000)}` }));
      const ids = buckets.map((b) => b.id);

      const slow = new WebSocket(liveUrl(slowBase, round.id), { headers: { authorization: `Bearer ${(members[0] as Member).token}` } });
      const slowClosed = new Promise<number>((resolve) => slow.once('close', (code) => resolve(code)));
      await new Promise((resolve) => slow.once('open', resolve));
      slow.pause();
      const reader = await openLive(slowBase, round.id, { token: (members[1] as Member).token });
      await reader.next('snapshot');

      for (let i = 0; i < 100 && slowApp.app.live.subscribers(round.id) > 1; i++) {
        await slowApp.pool.query('UPDATE buckets SET funding_version = funding_version + 1 WHERE round_id = $1', [round.id]);
        slowApp.app.changes.emit({ roundId: round.id, bucketIds: ids });
        await reader.next('frame');
      }
      expect(slowApp.app.live.subscribers(round.id)).toBe(1);
      slow.resume();
      expect(await slowClosed).toBe(LiveCloseCode.tooSlow);
      expect(reader.socket.readyState).toBe(WebSocket.OPEN);
      reader.close();
    } finally {
      await slowApp.close();
    }
  });

  it('is dropped when it does not answer pings', async () => {
    const pinging = await testApp({ live: { heartbeatMs: 500 } });
    try {
      const pingBase = await pinging.app.listen({ port: 0, host: '127.0.0.1' });
      const { round, members } = await pinging.given.fundingRound({ members: 2 });
      const silent = new WebSocket(liveUrl(pingBase, round.id), { headers: { authorization: `Bearer ${(members[0] as Member).token}` }, autoPong: false });
      const closed = new Promise<number>((resolve) => silent.once('close', (code) => resolve(code)));
      const answering = await openLive(pingBase, round.id, { token: (members[1] as Member).token });
      await answering.next('snapshot');
      expect(await closed).toBe(1006);
      await eventually(() => pinging.app.live.subscribers(round.id) === 1, 'the silent socket to be dropped');
      await eventually(() => answering.socket.readyState === WebSocket.OPEN, 'the answering socket to stay');
      answering.close();
    } finally {
      await pinging.close();
    }
  });
});

describe('shutting down', () => {
  it('closes every socket with 1001 and does not hang', async () => {
    const closing = await testApp();
    const closingBase = await closing.app.listen({ port: 0, host: '127.0.0.1' });
    const { round, members } = await closing.given.fundingRound({ members: 1 });
    const live = await openLive(closingBase, round.id, { token: (members[0] as Member).token });
    await live.next('snapshot');
    const started = Date.now();
    await closing.close();
    expect((await live.closed).code).toBe(1001);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
