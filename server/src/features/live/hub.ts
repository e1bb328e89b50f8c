import { WebSocket, type RawData } from 'ws';
import type { FastifyBaseLogger } from 'fastify';
import { LiveClientMessage, LiveCloseCode, LiveCloseReason } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import type { RoundChange } from './changes.ts';
import { CLOSE_GRACE_MS, closeSocket, encode, makeDelivery, wireOf } from './delivery.ts';
import { makeFollowers, type Follower, type LiveViewer } from './followers.ts';
import { makeFrameClock } from './frame-clock.ts';
import { makeHeartbeat } from './heartbeat.ts';
import { encodeChanges } from './notices.ts';
import { addChange, pendingOf, type PendingByRound } from './pending-changes.ts';
import { readBoard, readMe } from './queries.ts';
import { sendRoundFrame } from './round-frames.ts';
import { recordBoard } from './sent-state.ts';
import { sweepOnce } from './sweep.ts';

export type { LiveViewer } from './followers.ts';

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

const PONG = encode({ type: 'pong' });

export type Hub = ReturnType<typeof makeHub>;

/**
 * Keeps this instance's sockets and pushes absolute state to them. Changes only mark ids
 * pending; once per frame interval, each round with pending ids is read in one round of
 * queries and each message, serialised once, goes to all its sockets, however many allocations
 * happened meanwhile. The parts: the registry (followers.ts), what was sent (sent-state.ts),
 * the pacing (frame-clock.ts), a round's frame (round-frames.ts), back-pressure
 * (delivery.ts), liveness (heartbeat.ts) and the catch-up pass (sweep.ts).
 */
export function makeHub(options: HubOptions) {
  const { db, log } = options;
  const followers = makeFollowers();
  let pending: PendingByRound = new Map();
  /** Local changes the other instances must hear of after the next frame. */
  let outgoing: PendingByRound = new Map();
  let sweeping = false;
  let closed = false;

  function forget(follower: Follower): void {
    if (followers.remove(follower).roundEmptied) pending.delete(follower.roundId);
  }

  function drop(follower: Follower, code: number, reason: string): void {
    forget(follower);
    closeSocket(follower.socket, code, reason);
  }

  const delivery = makeDelivery({ maxBufferedBytes: options.maxBufferedBytes, drop });

  function endRound(roundId: string): void {
    for (const follower of [...(followers.round(roundId)?.followers ?? [])]) drop(follower, 1000, 'round deleted');
  }

  async function frame(): Promise<void> {
    const work = pending;
    const notices = outgoing;
    pending = new Map();
    outgoing = new Map();
    // The other instances hear of this frame's changes first: they re-read the rows from the
    // database, so nothing waits for this instance's own reads and sends.
    const published = publish(notices);
    await Promise.all(
      [...work].map(async ([roundId, changes]) => {
        const round = followers.round(roundId);
        if (!round) return;
        // A failed read leaves the sent state behind the database: the sweep sends it later.
        await sendRoundFrame({ db, roundId, round, pending: changes, delivery, ended: () => endRound(roundId) }).catch((error: unknown) =>
          log.warn({ err: error, roundId }, 'live frame failed'),
        );
      }),
    );
    await published;
  }

  async function publish(notices: PendingByRound): Promise<void> {
    if (!options.publish || notices.size === 0) return;
    const payloads = [...notices].flatMap(([roundId, n]) =>
      encodeChanges(options.instanceId, { roundId, bucketIds: n.bucketIds, membershipIds: n.membershipIds, round: n.round }),
    );
    // Outside any transaction of the write path; a lost notice is caught by the others' sweep.
    await options.publish(payloads).catch((error: unknown) => log.warn({ err: error }, 'live notify failed'));
  }

  const clock = makeFrameClock({ frameMs: options.frameMs, hasWork: () => pending.size > 0 || outgoing.size > 0, frame });

  const heartbeat = makeHeartbeat({
    intervalMs: options.heartbeatMs,
    followers: () => followers.all(),
    dead: (follower) => {
      forget(follower);
      follower.socket.terminate();
    },
  });
  let sweeper: NodeJS.Timeout | undefined;

  /** A change committed here (`local`, to be passed on) or on another instance. */
  function mark(change: RoundChange, local: boolean): void {
    if (closed) return;
    if (local && options.publish) addChange(outgoing, change);
    if (followers.follows(change.roundId)) addChange(pending, change);
    clock.poke();
  }

  /** Everything of every followed round, e.g. after notifications may have been missed. */
  function markAllFull(): void {
    for (const roundId of followers.roundIds()) pendingOf(pending, roundId).everything = true;
    clock.poke();
  }

  /**
   * Compares the database with what the sockets were sent: pushes what advanced and closes
   * sockets whose session or membership ended.
   */
  async function sweep(): Promise<void> {
    if (sweeping || closed || followers.size() === 0) return;
    sweeping = true;
    try {
      await sweepOnce({ db, now: options.now, followers, pending, ended: (f) => drop(f, LiveCloseCode.sessionEnded, LiveCloseReason.sessionEnded) });
      clock.poke();
    } finally {
      sweeping = false;
    }
  }

  function startTimers(): void {
    if (sweeper || closed) return;
    heartbeat.start();
    sweeper = setInterval(() => {
      sweep().catch((error: unknown) => log.warn({ err: error }, 'live sweep failed'));
    }, options.sweepMs).unref();
  }

  // One set of listeners for every socket (`this` is the socket), rather than closures per
  // socket: an idle socket costs its follower record and what ws itself keeps.
  const followerOf = new WeakMap<WebSocket, Follower>();
  function onPong(this: WebSocket): void {
    const follower = followerOf.get(this);
    if (follower) follower.alive = true;
  }
  function onClose(this: WebSocket): void {
    const follower = followerOf.get(this);
    if (follower) forget(follower);
  }
  function onSocketMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    const follower = followerOf.get(this);
    if (follower) onMessage(follower, data, isBinary);
  }

  function onMessage(follower: Follower, data: RawData, isBinary: boolean): void {
    follower.alive = true;
    if (isBinary) return drop(follower, 1003, 'text messages only');
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      json = undefined;
    }
    const parsed = LiveClientMessage.safeParse(json);
    if (!parsed.success) return drop(follower, 1008, 'unknown message');
    if (parsed.data.type === 'ping') delivery.send(follower, PONG);
  }

  /** Subscribes a socket that passed authentication: a snapshot (and `me`) first, then frames. */
  async function attach(socket: WebSocket, viewer: LiveViewer): Promise<void> {
    if (closed) {
      socket.close(1001, 'server shutting down');
      return;
    }
    const follower: Follower = { ...viewer, socket, alive: true, held: [], wire: wireOf(socket) };
    followers.add(follower);
    followerOf.set(socket, follower);
    socket.on('pong', onPong);
    socket.on('message', onSocketMessage);
    socket.on('close', onClose);
    startTimers();

    try {
      const [board, mes] = await Promise.all([
        readBoard(db, viewer.roundId),
        viewer.membershipId ? readMe(db, viewer.roundId, [viewer.membershipId]) : undefined,
      ]);
      const round = followers.round(viewer.roundId);
      if (!round || !followers.has(follower)) return;
      if (!board) return drop(follower, 1000, 'round deleted');
      const me = viewer.membershipId ? mes?.get(viewer.membershipId) : undefined;
      // The first socket of a round seeds what the sweep compares with; later snapshots must not,
      // or a change missed by the older sockets would look already sent.
      if (!round.sent.seeded) recordBoard(round.sent, board);
      if (me && viewer.membershipId && !round.sent.members.has(viewer.membershipId)) round.sent.members.set(viewer.membershipId, me.version);
      delivery.release(follower, me ? [encode({ type: 'snapshot', ...board }), encode(me)] : [encode({ type: 'snapshot', ...board })]);
    } catch (error) {
      log.warn({ err: error, roundId: viewer.roundId }, 'live snapshot failed');
      drop(follower, 1011, 'try again');
    }
  }

  /** Closes the sockets of a revoked projector link at once. */
  function endProjectorLink(projectorLinkId: string): void {
    for (const follower of followers.all()) {
      if (follower.projectorLinkId === projectorLinkId) drop(follower, LiveCloseCode.sessionEnded, LiveCloseReason.projectorLinkRevoked);
    }
  }

  /** Stops the timers and closes every socket with 1001; resolves once they are gone. */
  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    heartbeat.stop();
    clearInterval(sweeper);
    await clock.stop();
    const sockets = followers.all().map((follower) => follower.socket);
    followers.clear();
    pending.clear();
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
    subscribers: (roundId?: string): number => followers.count(roundId),
  };
}
