import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { LiveCloseCode, LiveCloseReason, type LiveServerMessage } from '@cagnotte/shared';
import type { Follower } from './followers.ts';

/** A socket whose snapshot takes longer than this many messages to read is too slow anyway. */
const HELD_LIMIT = 256;
/** After a close frame, how long a peer gets to answer before the socket is cut. */
export const CLOSE_GRACE_MS = 1000;

/** Serialised once, sent to however many sockets. */
export const encode = (message: LiveServerMessage): Buffer => Buffer.from(JSON.stringify(message));

/** Sends a close frame, and cuts the socket if the peer does not answer it (a peer that does not read never does). */
export function closeSocket(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === WebSocket.CLOSED) return;
  socket.close(code, reason);
  setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
}

/** ws keeps the TCP socket private; corking it makes several messages one write (one system call). */
const tcpOf = (socket: WebSocket): Socket | undefined => (socket as unknown as { _socket?: Socket })._socket;

export type Delivery = ReturnType<typeof makeDelivery>;

/**
 * Puts messages on sockets, with back-pressure: a socket whose unsent data passes the cap is
 * dropped (it reconnects and gets a snapshot, all it needs), and messages for a socket whose
 * snapshot is still being read are held until it went.
 */
export function makeDelivery(options: { maxBufferedBytes: number; drop: (follower: Follower, code: number, reason: string) => void }) {
  /**
   * Several messages to one socket in one write (a frame and the member's `me`, say). The cap
   * is checked once, against what the peer left unread before them.
   */
  function sendAll(follower: Follower, messages: readonly Buffer[]): void {
    const { socket } = follower;
    if (socket.readyState !== WebSocket.OPEN || messages.length === 0) return;
    if (follower.held) {
      if (follower.held.length + messages.length > HELD_LIMIT) options.drop(follower, LiveCloseCode.tooSlow, LiveCloseReason.tooSlow);
      else follower.held.push(...messages);
      return;
    }
    // The peer is not reading: holding more for it would only grow memory.
    if (socket.bufferedAmount > options.maxBufferedBytes) {
      options.drop(follower, LiveCloseCode.tooSlow, LiveCloseReason.tooSlow);
      return;
    }
    if (messages.length === 1) {
      socket.send(messages[0] as Buffer, { binary: false });
      return;
    }
    const tcp = tcpOf(socket);
    tcp?.cork();
    try {
      for (const data of messages) socket.send(data, { binary: false });
    } finally {
      tcp?.uncork();
    }
  }

  return {
    send: (follower: Follower, data: Buffer): void => sendAll(follower, [data]),
    sendAll,
    /** Once the snapshot went: the snapshot (and `me`) first, then what was held meanwhile. */
    release(follower: Follower, first: readonly Buffer[]): void {
      const held = follower.held ?? [];
      follower.held = null;
      sendAll(follower, [...first, ...held]);
    },
  };
}
