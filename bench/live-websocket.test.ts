import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { LeanWebSocket } from './live-websocket.ts';

let server: WebSocketServer | undefined;
const clients: LeanWebSocket[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.terminate();
  server?.close();
  server = undefined;
});

/** A ws server (the live server's library) and the socket it accepted from one lean client. */
async function connected(headers: Record<string, string> = {}) {
  const wss = (server = new WebSocketServer({ port: 0, host: '127.0.0.1' }));
  await once(wss, 'listening');
  const texts: string[] = [];
  const closed: string[] = [];
  const accepted = once(wss, 'connection') as Promise<[WebSocket, IncomingMessage]>;
  const client = new LeanWebSocket(new URL(`http://127.0.0.1:${(wss.address() as AddressInfo).port}/api/live?x=1`), headers, {
    text: (payload) => texts.push(payload.toString()),
    closed: (reason) => closed.push(reason),
  });
  clients.push(client);
  const [peer, request] = await accepted;
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise((r) => setTimeout(r, 5));
  };
  return { client, peer, request, texts, closed, until };
}

describe('the live bench’s lean WebSocket client', () => {
  it('upgrades with the given headers and no extension', async () => {
    const { request, peer } = await connected({ authorization: 'Bearer t' });
    expect(request.url).toBe('/api/live?x=1');
    expect(request.headers.authorization).toBe('Bearer t');
    expect(peer.extensions).toBe('');
  });

  it('reads text frames of every length encoding, in order, also when a frame spans several reads', async () => {
    const { peer, texts, until } = await connected();
    const sent = ['é', 'a'.repeat(125), 'b'.repeat(126), 'c'.repeat(65_535), 'd'.repeat(65_536), 'e'.repeat(300_000)];
    for (const text of sent) peer.send(text);
    await until(() => texts.length === sent.length);
    expect(texts).toEqual(sent);
  });

  it('answers a ping with a pong carrying its payload', async () => {
    const { peer } = await connected();
    peer.ping('are you there');
    const [payload] = (await once(peer, 'pong')) as [Buffer];
    expect(payload.toString()).toBe('are you there');
  });

  it('answers a close frame with its code, and reports the close', async () => {
    const { peer, closed, until } = await connected();
    peer.close(4001, 'too slow');
    const [code] = (await once(peer, 'close')) as [number];
    expect(code).toBe(4001);
    await until(() => closed.length > 0);
    expect(closed).toEqual(['closed by the server: 4001 too slow']);
  });

  it('closes with a protocol error on a frame it does not read (binary)', async () => {
    const { peer, closed, until } = await connected();
    peer.send(Buffer.from([1, 2, 3]));
    const [code] = (await once(peer, 'close')) as [number];
    expect(code).toBe(1002);
    await until(() => closed.length > 0);
    expect(closed).toEqual(['unexpected opcode 2']);
  });

  it('reports a refused upgrade', async () => {
    const wss = (server = new WebSocketServer({ port: 0, host: '127.0.0.1', verifyClient: () => false }));
    await once(wss, 'listening');
    const closed: string[] = [];
    clients.push(new LeanWebSocket(new URL(`http://127.0.0.1:${(wss.address() as AddressInfo).port}/`), {}, { text: () => undefined, closed: (r) => closed.push(r) }));
    while (closed.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(closed[0]).toMatch(/^upgrade refused: HTTP\/1.1 401/);
  });
});
