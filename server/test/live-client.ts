import { WebSocket } from 'ws';
import { LiveServerMessage } from '@cagnotte/shared';

/**
 * A test's view of a live socket: every message, parsed with the shared schema, and promises that
 * resolve on the matching message or reject after a deadline. No sleeps.
 */
export type LiveClient = {
  socket: WebSocket;
  received: LiveServerMessage[];
  /** The next message (after those already taken) matching `predicate`. */
  next: <T extends LiveServerMessage['type']>(type: T, predicate?: (message: Extract<LiveServerMessage, { type: T }>) => boolean, timeoutMs?: number) => Promise<Extract<LiveServerMessage, { type: T }>>;
  closed: Promise<{ code: number; reason: string }>;
  close: () => void;
};

export type LiveAuth = { token?: string; cookie?: string; origin?: string; ticket?: string };

const DEADLINE_MS = 5_000;

export function liveUrl(base: string, roundId: string, ticket?: string): string {
  const url = new URL(`/api/rounds/${roundId}/live`, base.replace(/^http/, 'ws'));
  if (ticket) url.searchParams.set('ticket', ticket);
  return url.toString();
}

function headersOf(auth: LiveAuth): Record<string, string> {
  const headers: Record<string, string> = {};
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.origin) headers.origin = auth.origin;
  return headers;
}

export function openLive(base: string, roundId: string, auth: LiveAuth): Promise<LiveClient> {
  const socket = new WebSocket(liveUrl(base, roundId, auth.ticket), { headers: headersOf(auth) });
  const received: LiveServerMessage[] = [];
  let taken = 0;
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    received.push(LiveServerMessage.parse(JSON.parse(data.toString())));
    for (const wake of waiters) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const wake of waiters) wake();
    });
  });

  const next: LiveClient['next'] = (type, predicate, timeoutMs = DEADLINE_MS) =>
    new Promise((resolve, reject) => {
      const look = () => {
        for (let i = taken; i < received.length; i++) {
          const message = received[i];
          if (message?.type === type && (!predicate || predicate(message as never))) {
            taken = i + 1;
            finish();
            resolve(message as never);
            return;
          }
        }
        if (socket.readyState === WebSocket.CLOSED) {
          finish();
          reject(new Error(`socket closed while waiting for a ${type} message`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no matching ${type} message within ${timeoutMs} ms; got ${JSON.stringify(received.slice(taken).map((m) => m.type))}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(look);
      };
      waiters.add(look);
      look();
    });

  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, received, next, closed, close: () => socket.close() }));
    socket.once('unexpected-response', (request, response) => {
      request.destroy();
      reject(new Error(`upgrade refused with ${response.statusCode}`));
    });
    socket.once('error', reject);
  });
}

/** For refusals: the status and problem body the server answered instead of upgrading. */
export function refusedLive(base: string, roundId: string, auth: LiveAuth): Promise<{ status: number; body: { code?: string; status?: number } }> {
  const socket = new WebSocket(liveUrl(base, roundId, auth.ticket), { headers: headersOf(auth) });
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.close();
      reject(new Error('the upgrade was accepted'));
    });
    socket.once('error', () => undefined);
    socket.once('unexpected-response', (request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : {} });
      });
    });
  });
}
