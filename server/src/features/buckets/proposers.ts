import { and, eq, sql } from 'drizzle-orm';
import type { BucketDetail } from '@cagnotte/shared';
import { bucketProposers, memberships, organisations, people } from '../../db/schema.ts';
import type { Actor, Bucket, Round } from '../../domain/model.ts';
import { AppError, conflict, forbidden, notFound } from '../../domain/errors.ts';
import { enqueueMail } from '../../mail/outbox.ts';
import type { BucketDeps } from './deps.ts';
import { bucketUrl, proposerMail } from './mail.ts';
import { acceptedCount, lockBucket } from './proposing.ts';
import { isAcceptedProposer, loadDetail, proposerStatusOf } from './queries.ts';
import { INVITABLE, removalRefusal } from './rules.ts';

export type ProposersService = ReturnType<typeof makeProposersService>;

function assertAlive(bucket: Bucket): void {
  if (!INVITABLE.includes(bucket.status)) {
    throw conflict('bucket_not_editable', `A bucket that is ${bucket.status} takes no new proposers.`, { bucketStatus: bucket.status });
  }
}

export function makeProposersService({ db, now, publicUrl }: BucketDeps) {
  async function answer(actor: Actor, bucket: Bucket, status: 'accepted' | 'declined'): Promise<void> {
    const [answered] = await db
      .update(bucketProposers)
      .set({ status, respondedAt: now() })
      .where(and(eq(bucketProposers.bucketId, bucket.id), eq(bucketProposers.membershipId, actor.membershipId), eq(bucketProposers.status, 'invited')))
      .returning({ status: bucketProposers.status });
    if (answered) return;
    const current = await proposerStatusOf(db, bucket.id, actor.membershipId);
    if (!current) throw notFound('invitation');
    throw conflict('invitation_already_answered', `You already ${current === 'accepted' ? 'accepted' : 'declined'} this invitation.`, { proposerStatus: current });
  }

  return {
    /**
     * An accepted proposer invites another active member of the same organisation. Someone who
     * is not one is a 404 `invitee_not_member`: for the inviter, that co-proposer does not exist.
     */
    async invite(actor: Actor, round: Round, bucket: Bucket, email: string): Promise<BucketDetail> {
      if (!(await isAcceptedProposer(db, bucket.id, actor.membershipId))) throw forbidden('Only an accepted proposer of this bucket may invite co-proposers.');
      assertAlive(bucket);
      const [invitee] = await db
        .select({ membershipId: memberships.id, name: memberships.name, email: people.email, locale: organisations.locale })
        .from(memberships)
        .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
        .innerJoin(people, eq(people.id, memberships.personId))
        .where(and(eq(memberships.organisationId, round.organisationId), eq(memberships.active, true), sql`lower(${people.email}) = ${email}`));
      if (!invitee?.email) {
        throw new AppError(404, 'invitee_not_member', 'Not found', `${email} is not an active member of this organisation.`);
      }
      const to = invitee.email;
      const [inviter] = await db.select({ name: memberships.name }).from(memberships).innerJoin(people, eq(people.id, memberships.personId)).where(eq(memberships.id, actor.membershipId));

      await db.transaction(async (tx) => {
        assertAlive(await lockBucket(tx, bucket.id));
        const at = now();
        // A declined invitation may be renewed; a pending or accepted one is left alone.
        const [invited] = await tx
          .insert(bucketProposers)
          .values({ bucketId: bucket.id, membershipId: invitee.membershipId, status: 'invited', invitedBy: actor.membershipId, invitedAt: at })
          .onConflictDoUpdate({
            target: [bucketProposers.bucketId, bucketProposers.membershipId],
            set: { status: 'invited', invitedBy: actor.membershipId, invitedAt: at, respondedAt: null },
            setWhere: eq(bucketProposers.status, 'declined'),
          })
          .returning({ membershipId: bucketProposers.membershipId });
        if (!invited) {
          const status = await proposerStatusOf(tx, bucket.id, invitee.membershipId);
          throw conflict('already_proposer', `${invitee.name} is already ${status === 'accepted' ? 'a proposer' : 'invited'}.`, { proposerStatus: status });
        }
        // In the organisation's language, as every e-mail about its projects.
        const { subject, body } = proposerMail.invitation({ title: bucket.title, inviter: inviter?.name || null, url: bucketUrl(publicUrl, bucket.id) })(invitee.locale);
        await enqueueMail(tx, { to, subject, body: body(invitee.name) });
      });
      return loadDetail(db, bucket.id);
    },

    async accept(actor: Actor, bucket: Bucket): Promise<BucketDetail> {
      assertAlive(bucket);
      await answer(actor, bucket, 'accepted');
      return loadDetail(db, bucket.id);
    },

    async decline(actor: Actor, bucket: Bucket): Promise<void> {
      await answer(actor, bucket, 'declined');
    },

    /** A proposer leaves, or withdraws someone's invitation; the bucket always keeps one accepted proposer. */
    async remove(actor: Actor, bucket: Bucket, membershipId: string): Promise<void> {
      await db.transaction(async (tx) => {
        await lockBucket(tx, bucket.id);
        const targetStatus = await proposerStatusOf(tx, bucket.id, membershipId);
        if (!targetStatus) throw notFound('proposer');
        const self = membershipId === actor.membershipId;
        const refusal = removalRefusal({
          self,
          actorStatus: self ? targetStatus : await proposerStatusOf(tx, bucket.id, actor.membershipId),
          targetStatus,
          acceptedCount: await acceptedCount(tx, bucket.id),
        });
        if (refusal === 'last_proposer') throw conflict('last_proposer', 'The last accepted proposer cannot leave; withdraw the bucket instead.');
        if (refusal === 'not_a_proposer') throw forbidden('Only an accepted proposer of this bucket may withdraw invitations.');
        if (refusal === 'only_they_can_leave') throw forbidden('An accepted co-proposer can only leave by themselves.', 'only_they_can_leave');
        await tx.delete(bucketProposers).where(and(eq(bucketProposers.bucketId, bucket.id), eq(bucketProposers.membershipId, membershipId)));
      });
    },
  };
}
