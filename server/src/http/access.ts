import type { FastifyRequest } from 'fastify';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Role } from '@cagnotte/shared';
import type { Db } from '../db/client.ts';
import { buckets, memberships, projectorLinks, rounds } from '../db/schema.ts';
import { sessionLive, type SessionCheck } from './auth-plugin.ts';
import { forbidden, notFound, unauthorized } from '../domain/errors.ts';
import type { Actor, Bucket, Round, Viewer } from '../domain/model.ts';

export type Access = ReturnType<typeof makeAccess>;

/** The join of the caller's active membership in the round's organisation (placeholder `personId`). */
export const activeMembershipOf = (organisationId: typeof rounds.organisationId) =>
  and(eq(memberships.organisationId, organisationId), eq(memberships.personId, sql.placeholder('personId')), eq(memberships.active, true));

/** What a round's first statement returns for `access.roundRead`, whatever else it reads. */
export type RoundAccessRow = { round: { organisationId: string }; membership: { id: string; role: Role } | null; sessionLive: boolean };

/**
 * Every permission is decided here from the session and the membership of the organisation the
 * request touches, read on each request: deactivation takes effect at once, and another
 * organisation's data is a 404, never a 403.
 */
export function makeAccess({ db, now, confirmSession }: { db: Db; now: () => Date; confirmSession: (request: FastifyRequest) => Promise<void> }) {
  function personOf(request: FastifyRequest): string {
    const session = request.session;
    if (!session) throw unauthorized();
    if (session.kind !== 'member') throw forbidden('A projector link can only watch its round.');
    return session.personId;
  }

  // Nearly every request runs one of these: each is built once and is a named prepared
  // statement on each connection, instead of being built by drizzle and parsed by PostgreSQL
  // every time (issue 12: query building was 8.6 % of the server's CPU).
  const membershipQuery = db
    .select({ id: memberships.id, role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.organisationId, sql.placeholder('organisationId')), eq(memberships.personId, sql.placeholder('personId')), eq(memberships.active, true)))
    .prepare('access_membership');
  const roundQuery = db.select().from(rounds).where(eq(rounds.id, sql.placeholder('roundId'))).prepare('access_round');
  const roundWithMembershipQuery = db
    .select({ round: rounds, membership: { id: memberships.id, role: memberships.role }, sessionLive })
    .from(rounds)
    .leftJoin(memberships, activeMembershipOf(rounds.organisationId))
    .where(eq(rounds.id, sql.placeholder('roundId')))
    .prepare('access_round_membership');
  const bucketWithMembershipQuery = db
    .select({ bucket: buckets, round: rounds, membership: { id: memberships.id, role: memberships.role }, sessionLive })
    .from(buckets)
    .innerJoin(rounds, eq(rounds.id, buckets.roundId))
    .leftJoin(memberships, activeMembershipOf(rounds.organisationId))
    .where(eq(buckets.id, sql.placeholder('bucketId')))
    .prepare('access_bucket_membership');
  const projectorLinkQuery = db
    .select({ id: projectorLinks.id })
    .from(projectorLinks)
    .where(and(eq(projectorLinks.id, sql.placeholder('linkId')), eq(projectorLinks.roundId, sql.placeholder('roundId')), isNull(projectorLinks.revokedAt)))
    .prepare('access_projector_link');

  /**
   * The route's first statement, `query`, run for the calling person. With an unconfirmed
   * session (routes marked `sessionInQuery`) the statement also checks the session row and the
   * request is one round trip shorter; if it says the session is not live — or finds nothing,
   * so cannot say — the ordinary check runs and the request goes on exactly as on any route.
   */
  async function firstRead<R extends { sessionLive: boolean }>(
    request: FastifyRequest,
    query: (personId: string, check: SessionCheck) => Promise<R | undefined>,
  ): Promise<{ personId: string; row: R | undefined }> {
    const pending = request.unconfirmedSession;
    if (pending) {
      const row = await query(pending.personId, { sessionId: pending.sessionId, now: now() });
      if (row?.sessionLive) {
        request.unconfirmedSession = null;
        request.session = { kind: 'member', ...pending };
        return { personId: pending.personId, row };
      }
      await confirmSession(request);
    }
    const personId = personOf(request);
    return { personId, row: await query(personId, { sessionId: null, now: now() }) };
  }

  /**
   * A member's access to a round through `query`, a statement joining the round, the caller's
   * active membership (`activeMembershipOf`) and `sessionLive`, which may read more beside them
   * in the same round trip (`GET /api/rounds/:id/me` reads the member's balance with it).
   */
  async function roundRead<R extends RoundAccessRow>(
    request: FastifyRequest,
    query: (personId: string, check: SessionCheck) => Promise<R | undefined>,
    roles?: readonly Role[],
  ): Promise<{ actor: Actor; row: R }> {
    const { personId, row } = await firstRead(request, query);
    if (!row?.membership) throw notFound('round');
    const actor = { membershipId: row.membership.id, personId, organisationId: row.round.organisationId, role: row.membership.role };
    requireRole(actor, roles);
    return { actor, row };
  }

  async function actorIn(request: FastifyRequest, organisationId: string, what: string): Promise<Actor> {
    const personId = personOf(request);
    const [membership] = await membershipQuery.execute({ organisationId, personId });
    if (!membership) throw notFound(what);
    return { membershipId: membership.id, personId, organisationId, role: membership.role };
  }

  function requireRole(actor: Actor, roles: readonly Role[] | undefined): void {
    if (roles && !roles.includes(actor.role)) {
      throw forbidden(`This needs the role ${roles.join(' or ')}; yours is ${actor.role}.`);
    }
  }

  async function loadRound(roundId: string): Promise<Round> {
    const [round] = await roundQuery.execute({ roundId });
    if (!round) throw notFound('round');
    return round;
  }

  return {
    /** The signed-in person, whatever organisation. */
    person: personOf,

    async org(request: FastifyRequest, organisationId: string, roles?: readonly Role[]): Promise<Actor> {
      const actor = await actorIn(request, organisationId, 'organisation');
      requireRole(actor, roles);
      return actor;
    },

    firstRead,

    roundRead,

    async round(request: FastifyRequest, roundId: string, roles?: readonly Role[]): Promise<{ actor: Actor; round: Round }> {
      const { actor, row } = await roundRead(request, async (personId, check) => (await roundWithMembershipQuery.execute({ roundId, personId, ...check }))[0], roles);
      return { actor, round: row.round };
    },

    /** One query for the bucket, its round and the caller's membership: every bucket route pays it. */
    async bucket(request: FastifyRequest, bucketId: string, roles?: readonly Role[]): Promise<{ actor: Actor; round: Round; bucket: Bucket }> {
      const { personId, row } = await firstRead(request, async (personId, check) => (await bucketWithMembershipQuery.execute({ bucketId, personId, ...check }))[0]);
      if (!row?.membership) throw notFound('bucket');
      const actor = { membershipId: row.membership.id, personId, organisationId: row.round.organisationId, role: row.membership.role };
      requireRole(actor, roles);
      return { actor, round: row.round, bucket: row.bucket };
    },

    /** Read-only access to a round: a member of its organisation, or its projector link. */
    async viewRound(request: FastifyRequest, roundId: string): Promise<{ viewer: Viewer; round: Round }> {
      const session = request.session;
      if (!session) throw unauthorized();
      const round = await loadRound(roundId);
      if (session.kind === 'projector') {
        const [link] = await projectorLinkQuery.execute({ linkId: session.projectorLinkId, roundId });
        if (!link) throw notFound('round');
        return { viewer: { kind: 'projector', projectorLinkId: link.id }, round };
      }
      const actor = await actorIn(request, round.organisationId, 'round');
      return { viewer: { kind: 'member', actor }, round };
    },
  };
}
