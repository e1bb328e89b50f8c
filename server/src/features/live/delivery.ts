import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { LiveCloseCode, LiveCloseReason, type LiveServerMessage } from '@cagnotte/shared';
import type { Follower } from './followers.ts';

/** A socket whose snapshot takes longer than this many messages to read is too slow anyway. */
const HELD_LIMIT = 256;
/** After a close frame, how long a peer gets to answer before the socket is cut. */
export const CLOSE_GRACE_MS = 1000;

/** A message serialised once, and its WebSocket frame built once: the same bytes go to however many sockets. */
export type Encoded = { payload: Buffer; frame: Buffer };

/**
 * Serialises once and builds the final, unmasked text frame (RFC 6455, 5.2) ws would write for
 * `send(payload)`, so that a fan-out writes the same bytes to every socket without framing
 * each time.
 */
export function encode(message: LiveServerMessage): Encoded {
  const json = JSON.stringify(message);
  const n = Buffer.byteLength(json);
  const header = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + n);
  frame[0] = 0x81;
  if (n < 126) frame[1] = n;
  else if (n < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(n), 2);
  }
  frame.write(json, header);
  return { frame, payload: frame.subarray(header) };
}

/** Sends a close frame, and cuts the socket if the peer does not answer it (a peer that does not read never does). */
export function closeSocket(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === WebSocket.CLOSED) return;
  socket.close(code, reason);
  setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
}

/**
 * The TCP socket under a WebSocket, when our pre-built frames may be written to it directly:
 * with no extension negotiated (no permessage-deflate), ws writes every frame synchronously and
 * queues nothing, so frames written beside its own (pings, close) keep their order, and
 * `bufferedAmount` still counts them. ws keeps the socket private (`_socket`).
 */
export function wireOf(socket: WebSocket): Socket | null {
  if (socket.extensions !== '') return null;
  return (socket as unknown as { _socket?: Socket })._socket ?? null;
}

export type Delivery = ReturnType<typeof makeDelivery>;

/**
 * Puts messages on sockets, with back-pressure: a socket whose unsent data passes the cap is
 * dropped (it reconnects and gets a snapshot, all it needs), and messages for a socket whose
 * snapshot is still being read are held until it went.
 */
export function makeDelivery(options: { maxBufferedBytes: number; drop: (follower: Follower, code: number, reason: string) => void }) {
  /**
   * Several messages to one socket in one write (a frame and the member's `me`, say): corked,
   * one system call. The cap is checked once, against what the peer left unread before them.
   */
  function sendAll(follower: Follower, messages: readonly Encoded[]): void {
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
    const tcp = follower.wire;
    if (!tcp) {
      for (const message of messages) socket.send(message.payload, { binary: false });
      return;
    }
    if (messages.length === 1) {
      tcp.write((messages[0] as Encoded).frame);
      return;
    }
    tcp.cork();
    try {
      for (const message of messages) tcp.write(message.frame);
    } finally {
      tcp.uncork();
    }
  }

  return {
    send: (follower: Follower, message: Encoded): void => sendAll(follower, [message]),
    sendAll,
    /** Once the snapshot went: the snapshot (and `me`) first, then what was held meanwhile. */
    release(follower: Follower, first: readonly Encoded[]): void {
      const held = follower.held ?? [];
      follower.held = null;
      sendAll(follower, [...first, ...held]);
    },
  };
}
