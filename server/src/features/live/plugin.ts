import { randomUUID } from 'node:crypto';
import fp from 'fastify-plugin';
import type pg from 'pg';
import type { AppConfig } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { Access } from '../../http/access.ts';
import type { Changes } from './changes.ts';
import { makeHub, type Hub } from './hub.ts';
import { makeListener } from './listener.ts';
import { decodeNotice, encodeRevoke, LIVE_CHANNEL } from './notices.ts';
import { liveRoutes } from './routes.ts';
import { makeTicketService } from './tickets.ts';

export type LiveApi = {
  instanceId: string;
  /** Closes the live sockets of a revoked projector link, here and on every other instance. */
  revokeProjectorLink: (projectorLinkId: string) => Promise<void>;
  /** Live sockets on this instance, of one round or of all. */
  subscribers: Hub['subscribers'];
  /** The slow catch-up pass, which also runs on its own timer; tests call it directly. */
  sweep: Hub['sweep'];
  listener: { pid: () => number | undefined; connections: () => number };
};

declare module 'fastify' {
  interface FastifyInstance {
    live: LiveApi;
  }
}

const MAX_CLIENT_MESSAGE_BYTES = 4096;

/**
 * The live hub, its routes and, with a `databaseUrl`, the LISTEN/NOTIFY link between instances.
 * The listener starts once the server listens, so building the app (OpenAPI, CLI) connects nothing.
 */
export const livePlugin = fp<{
  db: Db;
  pool: pg.Pool;
  access: Access;
  changes: Changes;
  config: AppConfig;
  now: () => Date;
  /** Without it this instance runs alone: no NOTIFY, no LISTEN. */
  databaseUrl?: string;
}>(
  async (app, { db, pool, access, changes, config, now, databaseUrl }) => {
    const instanceId = randomUUID();
    const tuning = config.live ?? {};
    const publish = databaseUrl
      ? async (payloads: string[]) => {
          // One statement, one commit: every round's notice of this frame at once.
          await pool.query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', [LIVE_CHANNEL, payloads]);
        }
      : undefined;

    const hub = makeHub({
      db,
      log: app.log,
      now,
      instanceId,
      frameMs: config.liveFrameMs,
      maxBufferedBytes: tuning.maxBufferedBytes ?? 1024 * 1024,
      heartbeatMs: tuning.heartbeatMs ?? 30_000,
      sweepMs: tuning.sweepMs ?? 5_000,
      publish,
    });

    const listener = databaseUrl
      ? makeListener({
          databaseUrl,
          log: app.log,
          reconnectMaxMs: tuning.reconnectMaxMs ?? 10_000,
          onNotice: (payload) => {
            const notice = decodeNotice(payload);
            if (!notice || notice.instanceId === instanceId) return;
            if (notice.kind === 'revoke') hub.endProjectorLink(notice.projectorLinkId);
            else hub.mark(notice, false);
          },
          onReconnected: () => hub.markAllFull(),
        })
      : undefined;

    const unsubscribe = changes.subscribe((change) => hub.mark(change, true));
    const tickets = makeTicketService({ db, now });

    app.decorate('live', {
      instanceId,
      revokeProjectorLink: async (projectorLinkId: string) => {
        hub.endProjectorLink(projectorLinkId);
        await publish?.([encodeRevoke(instanceId, projectorLinkId)]).catch((error: unknown) => app.log.warn({ err: error }, 'live notify failed'));
      },
      subscribers: hub.subscribers,
      sweep: hub.sweep,
      listener: { pid: () => listener?.pid(), connections: () => listener?.connections() ?? 0 },
    } satisfies LiveApi);

    app.addHook('onListen', async () => listener?.start());
    app.addHook('onClose', async () => {
      unsubscribe();
      await hub.close();
      await listener?.stop();
    });
    app.jobs.add('live-tickets', () => tickets.purge());

    await app.register(liveRoutes, { hub, tickets, access, db, allowedOrigins: config.allowedOrigins, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  },
  { name: 'live' },
);
