import type { FastifyRequest } from 'fastify';
import websocket from '@fastify/websocket';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { LiveBoard, LiveQuery, LiveRoundParams, LiveTicket, Problem } from '@cagnotte/shared';
import type { Access } from '../../http/access.ts';
import { AppError, forbidden, notFound, unauthorized } from '../../domain/errors.ts';
import type { Db } from '../../db/client.ts';
import type { Hub, LiveViewer } from './hub.ts';
import type { TicketService } from './tickets.ts';
import { readBoard } from './queries.ts';

type LiveRequest = FastifyRequest<{ Params: { roundId: string }; Querystring: { ticket?: string } }>;

export const liveRoutes: FastifyPluginAsyncZod<{
  hub: Hub;
  tickets: TicketService;
  access: Access;
  db: Db;
  allowedOrigins: string[];
  maxPayload: number;
}> = async (app, { hub, tickets, access, db, allowedOrigins, maxPayload }) => {
  await app.register(websocket, {
    options: { maxPayload },
    // Our own sockets close with 1001 and a grace period, so that shutdown never hangs on a peer.
    preClose: async () => {
      await hub.close();
      app.websocketServer.close();
    },
  });

  /**
   * Decided before the upgrade, so a refusal is an ordinary problem+json reply: a ticket, or the
   * session cookie from one of our own origins (browsers always send Origin on upgrades), or a
   * script's bearer token; then `viewRound` scopes it to the member's organisation or the link's round.
   */
  async function authenticate(request: LiveRequest): Promise<LiveViewer> {
    const { roundId } = request.params;
    const { ticket } = request.query;
    if (ticket) {
      const session = await tickets.redeem(ticket, roundId);
      if (!session) throw unauthorized('This live ticket is invalid, already used or expired; ask for a new one.');
      request.session = session;
    } else if (request.session?.via === 'cookie') {
      const origin = request.headers.origin;
      if (!origin || !allowedOrigins.includes(origin)) {
        throw forbidden('The live socket opens only from the application’s own pages (Origin check).', 'origin_not_allowed');
      }
    }
    const { viewer } = await access.viewRound(request, roundId);
    const session = request.session;
    if (!session) throw unauthorized();
    return {
      roundId,
      sessionId: session.sessionId,
      membershipId: viewer.kind === 'member' ? viewer.actor.membershipId : null,
      projectorLinkId: viewer.kind === 'projector' ? viewer.projectorLinkId : null,
    };
  }

  const viewers = new WeakMap<FastifyRequest, LiveViewer>();

  app.route({
    method: 'GET',
    url: '/api/rounds/:roundId/live',
    schema: {
      operationId: 'followRoundLive',
      tags: ['live'],
      summary: 'Follow a round live: open as a WebSocket (messages in docs/live-protocol.md)',
      description:
        'Authenticated by the session cookie (from an allowed Origin), a bearer token, or a single-use `ticket` from `POST /api/rounds/{roundId}/live-ticket`. Refusals happen before the upgrade, as problem details.',
      params: LiveRoundParams,
      querystring: LiveQuery,
      response: { 401: Problem, 403: Problem, 404: Problem, 426: Problem },
    },
    preHandler: async (request) => {
      // A plain GET must not spend a ticket: it only learns that it should upgrade.
      if (!request.ws) return;
      viewers.set(request, await authenticate(request));
    },
    handler: async (_request, reply) => {
      reply.header('upgrade', 'websocket');
      throw new AppError(426, 'upgrade_required', 'Upgrade required', 'Open this URL as a WebSocket.');
    },
    wsHandler: (socket, request) => {
      const viewer = viewers.get(request);
      if (!viewer) {
        socket.close(1008, 'not authenticated');
        return;
      }
      void hub.attach(socket, viewer);
    },
  });

  app.post('/api/rounds/:roundId/live-ticket', {
    config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
    schema: {
      operationId: 'createLiveTicket',
      tags: ['live'],
      summary: 'A single-use ticket, valid 30 seconds, to open the round’s live socket with `?ticket=`',
      params: LiveRoundParams,
      response: { 201: LiveTicket, 401: Problem, 403: Problem, 404: Problem, 429: Problem },
    },
  }, async (request, reply) => {
    const { roundId } = request.params;
    await access.viewRound(request, roundId);
    const session = request.session;
    if (!session) throw unauthorized();
    return reply.code(201).send(await tickets.issue(session.sessionId, roundId));
  });

  app.get('/api/rounds/:roundId/board', {
    schema: {
      operationId: 'getRoundBoard',
      tags: ['live'],
      summary: 'The round’s funding board: what the live snapshot carries, for a first paint',
      params: LiveRoundParams,
      response: { 200: LiveBoard, 401: Problem, 404: Problem },
    },
  }, async (request) => {
    const { roundId } = request.params;
    await access.viewRound(request, roundId);
    const board = await readBoard(db, roundId);
    if (!board) throw notFound('round');
    return board;
  });
};
