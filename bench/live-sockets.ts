/**
 * The live bench's socket side, in a worker thread of its own so that reading thousands of
 * sockets never delays the allocation driver (the main thread) nor its commit times.
 *
 * Kept cheap, since it shares two cores with the servers and PostgreSQL: the sockets are read
 * by a lean WebSocket client of our own (live-websocket.ts: no Buffer nor event per message);
 * a socket parses only its snapshot; a frame is parsed once however many sockets receive it
 * (all sockets of an instance get the same bytes, so a received frame is compared with the few
 * last parsed), and only `bucketId` and `fundingVersion` are kept. Latencies go to a histogram, not a list.
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { LeanWebSocket } from './live-websocket.ts';

export type SocketsSetup = { bases: string[]; roundId: string; tokens: string[]; sockets: number; bucketIds: string[] };
/** From the driver: [bucket index, fundingVersion, commit time (epoch ms)] triples. */
export type ToSockets = { type: 'commits'; triples: Float64Array } | { type: 'measure' } | { type: 'finish' };
export type SocketsReport = {
  /** Deliveries (one socket seeing one allocation), by latency: 0.1 ms bins. */
  histogram: Uint32Array;
  delivered: number;
  /** Seen on a socket but never matched with a commit time (the driver lost its reply). */
  unmatched: number;
  /** Seen before the driver had its reply: counted as 0 ms. */
  early: number;
  messages: number;
  bytes: number;
  closedEarly: number;
  seconds: number;
  /** This thread's event-loop delay (how late it read its sockets), p99 in ms. */
  loopDelayP99Ms: number;
  /** This thread's CPU over the measure, in seconds, and the part of it in the kernel. */
  cpuSeconds: number;
  kernelSeconds: number;
};
export type FromSockets = { type: 'opened'; failed: number; error?: string } | { type: 'report'; report: SocketsReport };

const BIN_MS = 0.1;
const BINS = 200_000; // 20 s
const CACHE = 16;
const now = () => performance.timeOrigin + performance.now();

const setup = workerData as SocketsSetup;
const port = parentPort;
if (!port) throw new Error('live-sockets.ts runs as a worker');

const bucketIndex = new Map(setup.bucketIds.map((id, i) => [id, i]));
const B = setup.bucketIds.length;
/** Per socket and bucket, the highest fundingVersion seen. */
const lastSeen = new Int32Array(setup.sockets * B);
/** Per bucket, commit time by fundingVersion (0 = not known yet). */
const commits: Float64Array[] = setup.bucketIds.map(() => new Float64Array(1024));
const histogram = new Uint32Array(BINS + 1);
let delivered = 0;
let early = 0;
let messages = 0;
let bytes = 0;
let closedEarly = 0;
let measuring = false;
let measureFrom = 0;
let finishing = false;
/**
 * Deliveries seen before their commit time came from the driver, by (bucket, version): the
 * times they were seen at, recorded when that commit time arrives.
 */
const waiting = new Map<number, number[]>();
const waitingKey = (bucket: number, version: number) => version * B + bucket;
const loopDelay = monitorEventLoopDelay({ resolution: 5 });

/**
 * This thread's CPU time, user and kernel, in seconds (Linux; clock ticks of 10 ms). Node 20's
 * `process.cpuUsage()` is the whole process's, driver included; a synchronous read runs on the
 * calling thread, so /proc/thread-self is this one.
 */
function threadCpu(): { user: number; kernel: number } {
  const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]!.split(' ');
  return { user: Number(fields[11]) / 100, kernel: Number(fields[12]) / 100 };
}
let cpuFrom = threadCpu();

function commitAt(bucket: number, version: number): number {
  return commits[bucket]![version] ?? 0;
}

function record(bucket: number, version: number, at: number): void {
  const committed = commitAt(bucket, version);
  if (committed === 0) {
    const key = waitingKey(bucket, version);
    const seen = waiting.get(key);
    if (seen) seen.push(at);
    else waiting.set(key, [at]);
    return;
  }
  let ms = at - committed;
  if (ms < 0) {
    early++;
    ms = 0;
  }
  histogram[Math.min(BINS, Math.floor(ms / BIN_MS))]!++;
  delivered++;
}

function setCommit(bucket: number, version: number, at: number): void {
  let table = commits[bucket]!;
  if (version >= table.length) {
    const grown = new Float64Array(Math.max(version + 1, table.length * 2));
    grown.set(table);
    commits[bucket] = table = grown;
  }
  table[version] = at;
  const key = waitingKey(bucket, version);
  const seen = waiting.get(key);
  if (!seen) return;
  waiting.delete(key);
  for (const seenAt of seen) record(bucket, version, seenAt);
}

/** The last frames parsed, as [bucket index, version, …], found again by their bytes. */
const parsed: { data: Buffer; entries: Int32Array }[] = [];
function entriesOf(data: Buffer): Int32Array {
  for (const known of parsed) if (known.data.length === data.length && known.data.equals(data)) return known.entries;
  const frame = JSON.parse(data.toString()) as { buckets: { bucketId: string; fundingVersion: number }[] };
  const entries = new Int32Array(frame.buckets.length * 2);
  frame.buckets.forEach((b, i) => {
    entries[2 * i] = bucketIndex.get(b.bucketId) ?? -1;
    entries[2 * i + 1] = b.fundingVersion;
  });
  if (parsed.length >= CACHE) parsed.shift();
  parsed.push({ data: Buffer.from(data), entries });
  return entries;
}

// `{"type":"frame"…` and `{"type":"snapshot"…`: the type's first letter is the tenth byte.
const F = 'f'.charCodeAt(0);
const S = 's'.charCodeAt(0);

/** `data` is a view of the shared read buffer: only copies of it are kept. */
function onMessage(s: number, data: Buffer, opened: () => void): void {
  const at = now();
  messages++;
  bytes += data.length;
  const kind = data[9];
  if (kind === S) {
    const snapshot = JSON.parse(data.toString()) as { buckets: { bucketId: string; fundingVersion: number }[] };
    for (const b of snapshot.buckets) {
      const i = bucketIndex.get(b.bucketId);
      if (i !== undefined) lastSeen[s * B + i] = Math.max(lastSeen[s * B + i]!, b.fundingVersion);
    }
    opened();
    return;
  }
  if (kind !== F) return;
  const entries = entriesOf(data);
  for (let e = 0; e < entries.length; e += 2) {
    const bucket = entries[e]!;
    const version = entries[e + 1]!;
    if (bucket < 0) continue;
    const slot = s * B + bucket;
    const before = lastSeen[slot]!;
    if (version <= before) continue;
    lastSeen[slot] = version;
    // Every version in between reached this socket with this message (frames are coalesced).
    if (measuring) for (let v = before + 1; v <= version; v++) record(bucket, v, at);
  }
}

const sockets: LeanWebSocket[] = [];
let firstFailure: string | undefined;
async function open(): Promise<number> {
  let failed = 0;
  const BATCH = 200;
  for (let first = 0; first < setup.sockets; first += BATCH) {
    const batch: Promise<void>[] = [];
    for (let s = first; s < Math.min(setup.sockets, first + BATCH); s++) {
      const base = setup.bases[s % setup.bases.length]!;
      const url = new URL(`/api/rounds/${setup.roundId}/live`, base);
      const headers = { authorization: `Bearer ${setup.tokens[s % setup.tokens.length]}` };
      batch.push(
        new Promise<void>((resolve) => {
          let ready = false;
          sockets.push(new LeanWebSocket(url, headers, {
            text: (data) => onMessage(s, data, () => {
              ready = true;
              resolve();
            }),
            closed: (reason) => {
              if (ready && !finishing) closedEarly++;
              else if (!ready) {
                failed++;
                firstFailure ??= reason;
              }
              resolve();
            },
          }));
        }),
      );
    }
    await Promise.all(batch);
  }
  return failed;
}

port.on('message', (message: ToSockets) => {
  if (message.type === 'commits') {
    const t = message.triples;
    for (let i = 0; i < t.length; i += 3) setCommit(t[i]!, t[i + 1]!, t[i + 2]!);
  } else if (message.type === 'measure') {
    measuring = true;
    measureFrom = now();
    loopDelay.enable();
    cpuFrom = threadCpu();
    messages = 0;
    bytes = 0;
  } else {
    finishing = true;
    measuring = false;
    const cpu = threadCpu();
    const kernelSeconds = cpu.kernel - cpuFrom.kernel;
    const report: SocketsReport = {
      histogram,
      delivered,
      unmatched: [...waiting.values()].reduce((n, seen) => n + seen.length, 0),
      early,
      messages,
      bytes,
      closedEarly,
      seconds: (now() - measureFrom) / 1000,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      cpuSeconds: cpu.user - cpuFrom.user + kernelSeconds,
      kernelSeconds,
    };
    port.postMessage({ type: 'report', report } satisfies FromSockets);
    for (const socket of sockets) socket.terminate();
    setTimeout(() => process.exit(0), 100).unref();
  }
});

open().then(
  (failed) => port.postMessage({ type: 'opened', failed, error: firstFailure } satisfies FromSockets),
  (error: unknown) => port.postMessage({ type: 'opened', failed: setup.sockets, error: String(error) } satisfies FromSockets),
);
