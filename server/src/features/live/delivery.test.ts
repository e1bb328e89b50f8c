import type { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import type { LiveServerMessage } from '@cagnotte/shared';
import { encode } from './delivery.ts';

// ws's own frame parser, as a browser's or a client's socket would read our pre-built frames.
type Receiver = Writable & { on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): Receiver };
const { Receiver } = ws as unknown as { Receiver: new (options: { isServer: boolean }) => Receiver };

function received(frame: Buffer): Promise<{ text: string; isBinary: boolean }> {
  return new Promise((resolve, reject) => {
    const receiver = new Receiver({ isServer: false });
    receiver.on('message', (data, isBinary) => resolve({ text: data.toString(), isBinary }));
    receiver.on('error', reject);
    receiver.write(frame);
  });
}

const frameOf = (title: string): LiveServerMessage => ({
  type: 'frame',
  roundId: '0190a000-0000-7000-8000-000000000001',
  buckets: [{ bucketId: '0190a000-0000-7000-8000-000000000002', title, status: 'open', fundingVersion: 3, fundedCents: 1250, minCents: 5000, maxCents: 9000, contributors: 2, state: 'below_minimum', shareOfMinimumBp: 2500, roomLeftCents: 7750, missingToMinimumCents: 3750 }],
  removedBucketIds: [],
});

describe('a message encoded once for every socket', () => {
  it.each([
    ['under 126 bytes', { type: 'pong' } satisfies LiveServerMessage],
    ['of a 16-bit length, with letters of several bytes', frameOf('Jardin partagé — 1 500 € '.repeat(20))],
    ['of a 64-bit length', frameOf('x'.repeat(70_000))],
  ])('is one final text frame a WebSocket client reads back as its JSON, %s', async (_size, message) => {
    const encoded = encode(message);
    const json = JSON.stringify(message);
    expect(encoded.payload.toString()).toBe(json);
    await expect(received(encoded.frame)).resolves.toEqual({ text: json, isBinary: false });
  });
});
