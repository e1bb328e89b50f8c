import { performance } from 'node:perf_hooks';
import { WebSocket, type RawData } from 'ws';
import type { FastifyBaseLogger } from 'fastify';
import { LiveClientMessage, LiveCloseCode, LiveCloseReason, type LiveFrame, type LiveServerMessage } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import type { RoundChange } from './changes.ts';
import { encodeChanges } from './notices.ts';
import { isVisible, readBoard, readBuckets, readEnded, readMe, readRound, readVersions, toLiveBucket } from './queries.ts';

/** Who is behind a socket, decided before the upgrade. */
export type LiveViewer = { roundId: string; sessionId: string; membershipId: string | null; projectorLinkId: string | null };

export type HubOptions = {
  db: Db;
  log: FastifyBaseLogger;
  now: () => Date;
  instanceId: string;
  frameMs: number;
  maxBufferedBytes: number;
  heartbeatMs: number;
  sweepMs: number;
  /** Sends NOTIFY payloads to the other instances; absent when this instance runs alone. */
  publish?: (payloads: string[]) => Promise<void>;
};

type Sub = LiveViewer & {
  socket: WebSocket;
  alive: boolean;
  /** Messages held while this socket's snapshot is being read, so that the snapshot goes first. */
  queue: Buffer[] | null;
};

/** What every socket of a round has been sent: the sweep compares the database against it. */
type Known = { seeded: boolean; buckets: Map<string, string>; phase: string; members: Map<string, number> };

type Followed = { subs: Set<Sub>; byMember: Map<string, Set<Sub>>; known: Known };

type Marks = { buckets: Set<string>; members: Set<string>; round: boolean; full: boolean };

/** A socket whose snapshot takes longer than this many messages to read is too slow anyway. */
const QUEUE_LIMIT = 256;
/** After a close frame, how long a peer gets to answer before the socket is cut. */
const CLOSE_GRACE_MS = 1000;

const encode = (message: LiveServerMessage): Buffer => Buffer.from(JSON.stringify(message));
const PONG = encode({ type: 'pong' });
const signature = (bucket: { fundingVersion: number; status: string }) => `${bucket.fundingVersion}:${bucket.status}`;
const emptyMarks = (): Marks => ({ buckets: new Set(), members: new Set(), round: false, full: false });

export type Hub = ReturnType<typeof makeHub>;

/**
 * Keeps this instance's sockets and pushes absolute state to them. Changes only mark ids dirty;
 * once per frame interval, each round with dirty ids is read in one query and one message,
 * serialised once, goes to all its sockets, however many allocations happened meanwhile.
 */
export function makeHub(options: HubOptions) {
  const { db, log } = options;
  const followed = new Map<string, Followed>();
  let dirty = new Map<string, Marks>();
  /** Local changes the other instances must hear of after the next frame. */
  let outgoing = new Map<string, Marks>();
  let frameTimer: NodeJS.Timeout | undefined;
  let lastFrameAt = -Infinity;
  let flushing: Promise<void> | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let sweeper: NodeJS.Timeout | undefined;
  let sweeping = false;
  let closed = false;

  function marksOf(map: Map<string, Marks>, roundId: string): Marks {
    let marks = map.get(roundId);
    if (!marks) map.set(roundId, (marks = emptyMarks()));
    return marks;
  }

  function addChange(map: Map<string, Marks>, change: RoundChange): void {
    const marks = marksOf(map, change.roundId);
    for (const id of change.bucketIds ?? []) marks.buckets.add(id);
    for (const id of change.membershipIds ?? []) marks.members.add(id);
    if (change.round) marks.round = true;
  }

  /**
   * At most one frame per interval: a change after a quiet spell goes out on the next tick, and
   * what follows within the interval waits for the next frame, coalesced.
   */
  function schedule(): void {
    if (closed || frameTimer || flushing) return;
    if (dirty.size === 0 && outgoing.size === 0) return;
    const wait = Math.max(0, lastFrameAt + options.frameMs - performance.now());
    frameTimer = setTimeout(() => void flush(), wait);
  }

  /** A change committed here (`local`, to be passed on) or on another instance. */
  function mark(change: RoundChange, local: boolean): void {
    if (closed) return;
    if (local && options.publish) addChange(outgoing, change);
    if (followed.has(change.roundId)) addChange(dirty, change);
    schedule();
  }

  /** Everything of every followed round, e.g. after notifications may have been missed. */
  function markAllFull(): void {
    for (const roundId of followed.keys()) marksOf(dirty, roundId).full = true;
    schedule();
  }

  async function flush(): Promise<void> {
    frameTimer = undefined;
    lastFrameAt = performance.now();
    const work = dirty;
    const notices = outgoing;
    dirty = new Map();
    outgoing = new Map();
    flushing = (async () => {
      await Promise.all(
        [...work].map(([roundId, marks]) =>
          // A failed read leaves `known` behind the database: the sweep sends it later.
          flushRound(roundId, marks).catch((error: unknown) => log.warn({ err: error, roundId }, 'live frame failed')),
        ),
      );
      if (options.publish && notices.size > 0) {
        const payloads = [...notices].flatMap(([roundId, m]) =>
          encodeChanges(options.instanceId, { roundId, bucketIds: m.buckets, membershipIds: m.members, round: m.round }),
        );
        // Outside any transaction of the write path; a lost notice is caught by the others' sweep.
        await options.publish(payloads).catch((error: unknown) => log.warn({ err: error }, 'live notify failed'));
      }
    })();
    try {
      await flushing;
    } finally {
      flushing = undefined;
      schedule();
    }
  }

  function broadcast(round: Followed, data: Buffer): void {
    for (const sub of round.subs) send(sub, data);
  }

  async function flushRound(roundId: string, marks: Marks): Promise<void> {
    const round = followed.get(roundId);
    if (!round) return;
    if (marks.full) {
      const board = await readBoard(db, roundId);
      if (!board) return endRound(roundId);
      round.known.phase = board.round.phase;
      round.known.buckets = new Map(board.buckets.map((b) => [b.bucketId, signature(b)]));
      broadcast(round, encode({ type: 'snapshot', ...board }));
      await sendMe(roundId, round, [...round.byMember.keys()]);
      return;
    }

    const wanted = marks.round ? 'all' : [...marks.buckets];
    const [liveRound, bucketRead] = await Promise.all([
      marks.round ? readRound(db, roundId) : undefined,
      wanted === 'all' || wanted.length > 0 ? readBuckets(db, roundId, wanted) : undefined,
    ]);
    if (marks.round) {
      if (!liveRound) return endRound(roundId);
      round.known.phase = liveRound.phase;
      broadcast(round, encode({ type: 'round', round: liveRound }));
    }
    if (bucketRead) {
      const frame: LiveFrame = { type: 'frame', roundId, buckets: [], removedBucketIds: [] };
      const seen = new Set<string>();
      for (const row of bucketRead.rows) {
        seen.add(row.bucketId);
        const before = round.known.buckets.get(row.bucketId);
        const named = marks.buckets.has(row.bucketId);
        if (isVisible(row.status)) {
          // On a round-wide re-read, only what actually moved goes out.
          if (!named && before === signature(row)) continue;
          frame.buckets.push(toLiveBucket(row, bucketRead.nearlyFundedPercent));
          round.known.buckets.set(row.bucketId, signature(row));
        } else if (before !== undefined) {
          frame.removedBucketIds.push(row.bucketId);
          round.known.buckets.delete(row.bucketId);
        }
      }
      for (const id of marks.buckets) {
        if (!seen.has(id) && round.known.buckets.delete(id)) frame.removedBucketIds.push(id);
      }
      if (frame.buckets.length > 0 || frame.removedBucketIds.length > 0) broadcast(round, encode(frame));
    }
    const members = [...marks.members].filter((id) => round.byMember.has(id));
    await sendMe(roundId, round, members);
  }

  async function sendMe(roundId: string, round: Followed, membershipIds: string[]): Promise<void> {
    if (membershipIds.length === 0) return;
    const mes = await readMe(db, roundId, membershipIds);
    for (const [membershipId, me] of mes) {
      const subs = round.byMember.get(membershipId);
      if (!subs) continue;
      const data = encode(me);
      for (const sub of subs) send(sub, data);
      round.known.members.set(membershipId, me.version);
    }
  }

  function endRound(roundId: string): void {
    for (const sub of followed.get(roundId)?.subs ?? []) drop(sub, 1000, 'round deleted');
  }

  function send(sub: Sub, data: Buffer): void {
    if (sub.socket.readyState !== WebSocket.OPEN) return;
    if (sub.queue) {
      if (sub.queue.length >= QUEUE_LIMIT) drop(sub, LiveCloseCode.tooSlow, LiveCloseReason.tooSlow);
      else sub.queue.push(data);
      return;
    }
    // The peer is not reading: holding more for it would only grow memory. It reconnects and
    // gets a snapshot, which is all it needs.
    if (sub.socket.bufferedAmount > options.maxBufferedBytes) {
      drop(sub, LiveCloseCode.tooSlow, LiveCloseReason.tooSlow);
      return;
    }
    sub.socket.send(data, { binary: false });
  }

  function remove(sub: Sub): void {
    const round = followed.get(sub.roundId);
    if (!round?.subs.delete(sub)) return;
    if (sub.membershipId) {
      const mine = round.byMember.get(sub.membershipId);
      mine?.delete(sub);
      if (mine?.size === 0) {
        round.byMember.delete(sub.membershipId);
        round.known.members.delete(sub.membershipId);
      }
    }
    if (round.subs.size === 0) {
      followed.delete(sub.roundId);
      dirty.delete(sub.roundId);
    }
  }

  function drop(sub: Sub, code: number, reason: string): void {
    remove(sub);
    const { socket } = sub;
    if (socket.readyState === WebSocket.CLOSED) return;
    socket.close(code, reason);
    // A peer that does not read never answers the close frame either.
    setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
  }

  function onMessage(sub: Sub, data: RawData, isBinary: boolean): void {
    sub.alive = true;
    if (isBinary) return drop(sub, 1003, 'text messages only');
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      json = undefined;
    }
    const parsed = LiveClientMessage.safeParse(json);
    if (!parsed.success) return drop(sub, 1008, 'unknown message');
    if (parsed.data.type === 'ping') send(sub, PONG);
  }

  function startTimers(): void {
    if (heartbeat || closed) return;
    heartbeat = setInterval(() => {
      for (const round of followed.values()) {
        for (const sub of round.subs) {
          if (!sub.alive) {
            remove(sub);
            sub.socket.terminate();
            continue;
          }
          sub.alive = false;
          sub.socket.ping();
        }
      }
    }, options.heartbeatMs).unref();
    sweeper = setInterval(() => {
      sweep().catch((error: unknown) => log.warn({ err: error }, 'live sweep failed'));
    }, options.sweepMs).unref();
  }

  /**
   * Compares the database with what the sockets were sent: pushes what advanced (a lost
   * notification is a delay, not a loss) and closes sockets whose session or membership ended.
   */
  async function sweep(): Promise<void> {
    if (sweeping || closed || followed.size === 0) return;
    sweeping = true;
    try {
      const roundIds = [...followed.keys()];
      const subs = [...followed.values()].flatMap((round) => [...round.subs]);
      const memberIds = [...new Set(subs.flatMap((sub) => (sub.membershipId ? [sub.membershipId] : [])))];
      const sessionIds = [...new Set(subs.map((sub) => sub.sessionId))];
      const [versions, ended] = await Promise.all([readVersions(db, roundIds, memberIds), readEnded(db, sessionIds, memberIds, options.now())]);

      for (const sub of subs) {
        if (ended.sessionIds.has(sub.sessionId) || (sub.membershipId && ended.membershipIds.has(sub.membershipId))) {
          drop(sub, LiveCloseCode.sessionEnded, LiveCloseReason.sessionEnded);
        }
      }
      const present = new Map<string, Set<string>>();
      for (const row of versions.bucketRows) {
        const round = followed.get(row.roundId);
        if (!round?.known.seeded) continue;
        let ids = present.get(row.roundId);
        if (!ids) present.set(row.roundId, (ids = new Set()));
        ids.add(row.bucketId);
        const before = round.known.buckets.get(row.bucketId);
        if (before === undefined ? isVisible(row.status) : before !== signature(row)) marksOf(dirty, row.roundId).buckets.add(row.bucketId);
      }
      for (const [roundId, round] of followed) {
        if (!round.known.seeded) continue;
        for (const id of round.known.buckets.keys()) if (!present.get(roundId)?.has(id)) marksOf(dirty, roundId).buckets.add(id);
      }
      for (const row of versions.roundRows) {
        const round = followed.get(row.roundId);
        if (round?.known.seeded && round.known.phase !== row.phase) marksOf(dirty, row.roundId).round = true;
      }
      for (const row of versions.memberRows) {
        const round = followed.get(row.roundId);
        const before = round?.known.members.get(row.membershipId);
        if (round?.byMember.has(row.membershipId) && before !== undefined && before !== row.version) marksOf(dirty, row.roundId).members.add(row.membershipId);
      }
      schedule();
    } finally {
      sweeping = false;
    }
  }

  /** Subscribes a socket that passed authentication: a snapshot (and `me`) first, then frames. */
  async function attach(socket: WebSocket, viewer: LiveViewer): Promise<void> {
    if (closed) {
      socket.close(1001, 'server shutting down');
      return;
    }
    const sub: Sub = { ...viewer, socket, alive: true, queue: [] };
    let round = followed.get(viewer.roundId);
    if (!round) {
      round = { subs: new Set(), byMember: new Map(), known: { seeded: false, buckets: new Map(), phase: '', members: new Map() } };
      followed.set(viewer.roundId, round);
    }
    round.subs.add(sub);
    if (viewer.membershipId) {
      let mine = round.byMember.get(viewer.membershipId);
      if (!mine) round.byMember.set(viewer.membershipId, (mine = new Set()));
      mine.add(sub);
    }
    socket.on('pong', () => void (sub.alive = true));
    socket.on('message', (data, isBinary) => onMessage(sub, data, isBinary));
    socket.on('close', () => remove(sub));
    startTimers();

    try {
      const [board, mes] = await Promise.all([
        readBoard(db, viewer.roundId),
        viewer.membershipId ? readMe(db, viewer.roundId, [viewer.membershipId]) : undefined,
      ]);
      const current = followed.get(viewer.roundId);
      if (!current?.subs.has(sub)) return;
      if (!board) return drop(sub, 1000, 'round deleted');
      const me = viewer.membershipId ? mes?.get(viewer.membershipId) : undefined;
      // The first socket of a round seeds what the sweep compares with; later snapshots must not,
      // or a change missed by the older sockets would look already sent.
      if (!current.known.seeded) {
        current.known = { seeded: true, phase: board.round.phase, buckets: new Map(board.buckets.map((b) => [b.bucketId, signature(b)])), members: new Map() };
      }
      if (me && viewer.membershipId && !current.known.members.has(viewer.membershipId)) current.known.members.set(viewer.membershipId, me.version);
      const queued = sub.queue ?? [];
      sub.queue = null;
      send(sub, encode({ type: 'snapshot', ...board }));
      if (me) send(sub, encode(me));
      for (const data of queued) send(sub, data);
    } catch (error) {
      log.warn({ err: error, roundId: viewer.roundId }, 'live snapshot failed');
      drop(sub, 1011, 'try again');
    }
  }

  /** Closes the sockets of a revoked projector link at once. */
  function endProjectorLink(projectorLinkId: string): void {
    for (const round of followed.values()) {
      for (const sub of round.subs) if (sub.projectorLinkId === projectorLinkId) drop(sub, LiveCloseCode.sessionEnded, LiveCloseReason.projectorLinkRevoked);
    }
  }

  /** Stops the timers and closes every socket with 1001; resolves once they are gone. */
  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    clearTimeout(frameTimer);
    clearInterval(heartbeat);
    clearInterval(sweeper);
    await flushing?.catch(() => undefined);
    const sockets = [...followed.values()].flatMap((round) => [...round.subs].map((sub) => sub.socket));
    followed.clear();
    dirty.clear();
    outgoing.clear();
    const gone = sockets.map((socket) =>
      socket.readyState === WebSocket.CLOSED ? Promise.resolve() : new Promise<void>((resolve) => socket.once('close', () => resolve())),
    );
    for (const socket of sockets) socket.close(1001, 'server shutting down');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(gone), new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)))]);
    clearTimeout(timer);
    for (const socket of sockets) socket.terminate();
  }

  return {
    attach,
    mark,
    markAllFull,
    sweep,
    endProjectorLink,
    close,
    /** Sockets of a round (or of all rounds) on this instance. */
    subscribers: (roundId?: string): number =>
      roundId ? (followed.get(roundId)?.subs.size ?? 0) : [...followed.values()].reduce((n, round) => n + round.subs.size, 0),
  };
}

