import pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';
import { LIVE_CHANNEL } from './notices.ts';

export type ListenerOptions = {
  databaseUrl: string;
  log: FastifyBaseLogger;
  onNotice: (payload: string) => void;
  /** After a reconnection: notices may have been missed meanwhile. */
  onReconnected: () => void;
  reconnectMaxMs: number;
};

export type Listener = ReturnType<typeof makeListener>;

const FIRST_RETRY_MS = 50;

/**
 * LISTEN on a connection of its own, not from the pool: a pooled client would be handed back
 * and its LISTEN lost. When the connection drops (database restart, terminated backend), it
 * reconnects with exponential backoff and jitter, then reports it so that followed rounds are
 * re-read in full.
 */
export function makeListener(options: ListenerOptions) {
  const { log } = options;
  let client: pg.Client | undefined;
  let pid: number | undefined;
  let retry: NodeJS.Timeout | undefined;
  let attempt = 0;
  let connections = 0;
  let lostOnce = false;
  let stopped = true;

  function scheduleRetry(): void {
    if (stopped || retry) return;
    const ceiling = Math.min(options.reconnectMaxMs, FIRST_RETRY_MS * 2 ** attempt);
    attempt += 1;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, ceiling / 2 + Math.random() * (ceiling / 2));
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    const candidate = new pg.Client({ connectionString: options.databaseUrl, application_name: 'cagnotte-live' });
    let lost = false;
    const onLost = (error?: unknown) => {
      if (lost) return;
      lost = true;
      if (client === candidate) {
        client = undefined;
        pid = undefined;
        lostOnce = true;
      }
      candidate.end().catch(() => undefined);
      if (!stopped) {
        log.warn({ err: error }, 'live listener connection lost; reconnecting');
        scheduleRetry();
      }
    };
    // Always listened to: an 'error' event without a listener would crash the process.
    candidate.on('error', onLost);
    candidate.on('end', () => onLost());
    try {
      await candidate.connect();
      await candidate.query(`LISTEN ${LIVE_CHANNEL}`);
    } catch (error) {
      onLost(error);
      return;
    }
    if (stopped || lost) {
      await candidate.end().catch(() => undefined);
      return;
    }
    client = candidate;
    pid = (candidate as pg.Client & { processID?: number }).processID;
    connections += 1;
    candidate.on('notification', (message) => {
      if (message.channel === LIVE_CHANNEL && message.payload) options.onNotice(message.payload);
    });
    const missedSome = lostOnce || attempt > 0;
    attempt = 0;
    if (missedSome) {
      log.info('live listener reconnected');
      options.onReconnected();
    }
  }

  return {
    /** Connects in the background; never throws (the database may be down right now). */
    start(): void {
      if (!stopped) return;
      stopped = false;
      void connect();
    },
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(retry);
      retry = undefined;
      const current = client;
      client = undefined;
      pid = undefined;
      await current?.end().catch(() => undefined);
    },
    /** The backend's pid while connected (tests terminate it to simulate a database restart). */
    pid: (): number | undefined => pid,
    /** How many times a LISTEN connection was established. */
    connections: (): number => connections,
  };
}
