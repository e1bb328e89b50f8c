import { eq } from 'drizzle-orm';
import { WebSocket } from 'ws';
import type { Role } from '@cagnotte/shared';
import { bucketProposers, comments, criterionFlags, magicLinks, memberships, projectorLinks, rounds, sessions, voteDistricts, voteSettings } from '../src/db/schema.ts';
import { openFunding } from '../src/features/ledger/index.ts';
import { hashToken, randomToken } from '../src/security/tokens.ts';
import { signSessionToken } from '../src/security/session-token.ts';
import { testConfig, TEST_ORIGIN, type TestContext } from './harness.ts';
import type { Member } from './given.ts';

/** The kinds of caller the authorisation matrix tells apart. */
export const ACTORS = ['anon', 'member', 'proposer', 'reviewer', 'accountant', 'admin', 'deactivated', 'projector'] as const;
export type ActorKind = (typeof ACTORS)[number];

/** One call: the path's parameters, the body, and the round it touches (for the projector). */
export type Call = {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** A raw payload with its content type (CSV imports). */
  raw?: { contentType: string; payload: string };
  roundId?: string;
  /** The WebSocket route: called with a real upgrade. */
  upgrade?: boolean;
  /** Headers of the call's own (the first-run token). */
  headers?: Record<string, string>;
};

export type Side = { organisationId: string; actors: Record<Exclude<ActorKind, 'anon' | 'projector'>, Member>; roundId: string };

export type Operation = { method: string; path: string; operationId: string };

/**
 * The fixture of each operation. `who` is the membership id of the caller when it is a member
 * of the home organisation (some rows need the caller's own comment, flag or invitation).
 */
export type Setup = (who: Member | undefined) => Promise<Call>;

/** The operation's path with its parameters filled in (already URL-safe: ids, or hostile values meant raw). */
export function urlFor(operation: Operation, params: Record<string, string> = {}): string {
  return operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${operation.operationId}: no value for {${name}}`);
    return value;
  });
}

/**
 * Every operation of the OpenAPI document, callable on fresh, valid fixtures: the authorisation
 * matrix and the fuzzing share them, so that a refusal is about who calls or what is sent, never
 * about a fixture that does not fit. `home` owns the data; `away` is another organisation.
 */
export async function makeOperations(t: TestContext, base: string) {
  const uuid = () => crypto.randomUUID();

  async function side(): Promise<Side> {
    const org = await t.given.org();
    const organisationId = org.id;
    const roles: Record<string, Role> = { member: 'member', proposer: 'member', reviewer: 'reviewer', accountant: 'accountant', admin: 'admin', deactivated: 'member' };
    const actors = {} as Side['actors'];
    for (const [kind, role] of Object.entries(roles)) actors[kind as keyof Side['actors']] = await t.given.member({ organisationId, role, name: `${kind} of ${org.name}` });
    await t.db.update(memberships).set({ active: false }).where(eq(memberships.id, actors.deactivated.membershipId));
    const round = await t.given.round(organisationId, { phase: 'funding' });
    return { organisationId, actors, roundId: round.id };
  }

  /** A fresh session for every call, so that signing out (or anything else) spoils no later row. */
  async function tokenFor(kind: ActorKind, on: Side, roundId: string): Promise<string | undefined> {
    if (kind === 'anon') return undefined;
    const expiresAt = new Date(t.clock.now().getTime() + 3_600_000);
    if (kind === 'projector') {
      const [link] = await t.db.insert(projectorLinks).values({ roundId, createdBy: on.actors.admin.membershipId, secretHash: hashToken(randomToken()) }).returning();
      if (!link) throw new Error('no link');
      const [session] = await t.db.insert(sessions).values({ kind: 'projector', projectorLinkId: link.id, expiresAt }).returning();
      if (!session) throw new Error('no session');
      return signSessionToken(secret(), { sid: session.id, sub: link.id }, expiresAt);
    }
    const personId = on.actors[kind].personId;
    const [session] = await t.db.insert(sessions).values({ kind: 'member', personId, expiresAt }).returning();
    if (!session) throw new Error('no session');
    return signSessionToken(secret(), { sid: session.id, sub: personId }, expiresAt);
  }

  const secret = () => testConfig().sessionSecret;

  // ——— fixtures: each call gets the data it needs, fresh, in the home organisation ———

  const LINES = [
    { label: 'Materials', amountCents: 100_000, essential: true },
    { label: 'Extras', amountCents: 50_000, essential: false },
  ];

  async function round(phase: 'draft' | 'proposals' | 'funding' | 'closed', values: Parameters<TestContext['given']['round']>[1] = {}) {
    const r = await t.given.round(home.organisationId, { phase, ...values });
    if (phase === 'funding') await t.db.transaction((tx) => openFunding(tx, r, home.actors.admin.membershipId));
    return r;
  }

  async function bucket(roundId: string, status: 'draft' | 'proposed' | 'open' | 'funded' | 'awaiting_board' = 'open', values: Record<string, unknown> = {}) {
    return t.given.bucket(roundId, home.actors.proposer, { status, ...values });
  }

  async function openBucket() {
    const r = await round('funding');
    const b = await bucket(r.id, 'open');
    return { round: r, bucket: b };
  }

  /** A vote round (approval, greedy) with one open project; `closed` is counted through the API. */
  async function voteRound(phase: 'proposals' | 'funding' | 'closed') {
    const r = await t.given.round(home.organisationId, { kind: 'vote', defaultAllowanceCents: 0, phase: 'proposals' });
    await t.db.insert(voteSettings).values({ roundId: r.id, budgetCents: 200_000, ballot: { kind: 'approval', minProjects: 1, maxProjects: null }, rule: { kind: 'greedy' } });
    const [district] = await t.db.insert(voteDistricts).values({ roundId: r.id, name: 'Nord', budgetCents: 100_000, position: 0 }).returning();
    const b = await bucket(r.id, phase === 'proposals' ? 'proposed' : 'open', { budgetLines: [{ label: 'Cost', amountCents: 100_000, essential: true }], minCents: 100_000, maxCents: 100_000 });
    if (phase !== 'proposals') await t.db.update(rounds).set({ phase: 'funding' }).where(eq(rounds.id, r.id));
    if (phase === 'closed') {
      const res = await t.app.inject({ method: 'POST', url: `/api/rounds/${r.id}/vote/close`, headers: { authorization: `Bearer ${home.actors.admin.token}`, origin: TEST_ORIGIN } });
      if (res.statusCode !== 200) throw new Error(`vote close refused: ${res.body}`);
    }
    return { round: r, bucket: b, districtId: district?.id ?? '' };
  }

  async function comment(bucketId: string, authorId: string) {
    const [row] = await t.db.insert(comments).values({ bucketId, authorId, body: 'A comment' }).returning();
    if (!row) throw new Error('no comment');
    return row;
  }

  const SETUPS: Record<string, Setup> = {
    requestMagicLink: async () => ({ body: { email: home.actors.member.email } }),
    openSession: async () => {
      const token = randomToken();
      await t.db.insert(magicLinks).values({ personId: home.actors.member.personId, tokenHash: hashToken(token), expiresAt: new Date(t.clock.now().getTime() + 600_000) });
      return { body: { token } };
    },
    signOut: async () => ({}),
    getMe: async () => ({}),
    listMyBuckets: async () => ({}),
    updateMe: async () => ({ body: { locale: 'en' } }),
    getSetupStatus: async () => ({ headers: { 'x-setup-token': randomToken() } }),
    // Organisations exist: the door is shut, whoever knocks and whatever link they hold.
    completeSetup: async () => ({
      body: { token: randomToken(), organisation: { name: 'Another coop', currency: 'EUR', locale: 'fr', timeZone: 'Europe/Paris' }, admin: { name: 'Someone', email: `first-${uuid()}@example.org` } },
    }),
    getOrganisation: async () => ({ params: { orgId: home.organisationId }, roundId: home.roundId }),
    updateOrganisation: async () => ({ params: { orgId: home.organisationId }, body: { name: `Renamed ${uuid().slice(0, 6)}` }, roundId: home.roundId }),
    listMembers: async () => ({ params: { orgId: home.organisationId }, roundId: home.roundId }),
    addMember: async () => ({ params: { orgId: home.organisationId }, body: { email: `new-${uuid()}@example.org`, name: 'New Member' }, roundId: home.roundId }),
    importMembers: async () => ({
      params: { orgId: home.organisationId },
      raw: { contentType: 'text/csv', payload: `email,name\nimported-${uuid()}@example.org,Imported Member\n` },
      roundId: home.roundId,
    }),
    updateMember: async () => {
      const target = await t.given.member({ organisationId: home.organisationId });
      return { params: { orgId: home.organisationId, membershipId: target.membershipId }, body: { role: 'reviewer' }, roundId: home.roundId };
    },
    eraseMember: async () => {
      const target = await t.given.member({ organisationId: home.organisationId });
      return { params: { orgId: home.organisationId, membershipId: target.membershipId }, roundId: home.roundId };
    },
    createRound: async () => ({ params: { orgId: home.organisationId }, body: { title: 'A new round', currency: 'EUR' }, roundId: home.roundId }),
    listRounds: async () => ({ params: { orgId: home.organisationId }, roundId: home.roundId }),
    getRound: async () => ({ params: { roundId: home.roundId }, roundId: home.roundId }),
    updateRound: async () => {
      const r = await round('proposals');
      return { params: { roundId: r.id }, body: { title: 'Retitled' }, roundId: r.id };
    },
    changeRoundPhase: async () => {
      const r = await round('proposals');
      return { params: { roundId: r.id }, body: { phase: 'funding' }, roundId: r.id };
    },
    listRoundDecisions: async () => ({ params: { roundId: home.roundId }, roundId: home.roundId }),
    listCriteria: async () => ({ params: { roundId: home.roundId }, roundId: home.roundId }),
    createCriterion: async () => {
      const r = await round('proposals');
      return { params: { roundId: r.id }, body: { title: 'Useful to many' }, roundId: r.id };
    },
    updateCriterion: async () => {
      const r = await round('proposals');
      const c = await t.given.criterion(r.id);
      return { params: { criterionId: c.id }, body: { title: 'Renamed criterion' }, roundId: r.id };
    },
    deleteCriterion: async () => {
      const r = await round('proposals');
      const c = await t.given.criterion(r.id);
      return { params: { criterionId: c.id }, roundId: r.id };
    },
    listAllowances: async () => ({ params: { roundId: home.roundId }, roundId: home.roundId }),
    setAllowanceOverride: async () => {
      const r = await round('proposals');
      return { params: { roundId: r.id, membershipId: home.actors.member.membershipId }, body: { amountCents: 12_000 }, roundId: r.id };
    },
    removeAllowanceOverride: async () => {
      const r = await round('proposals');
      return { params: { roundId: r.id, membershipId: home.actors.member.membershipId }, roundId: r.id };
    },
    importAllowances: async () => {
      const r = await round('proposals');
      return { params: { roundId: r.id }, raw: { contentType: 'text/csv', payload: `email,amount\n${home.actors.member.email},120.00\n` }, roundId: r.id };
    },
    grantAllowances: async () => {
      const r = await round('funding');
      return { params: { roundId: r.id }, body: { amountCents: 1_000, reason: 'Top-up', membershipIds: [home.actors.member.membershipId] }, roundId: r.id };
    },
    createBucket: async () => {
      const r = await round('proposals');
      return { params: { roundId: r.id }, body: { title: 'A bench', budgetLines: LINES }, roundId: r.id };
    },
    listBuckets: async () => ({ params: { roundId: home.roundId }, roundId: home.roundId }),
    getBucket: async () => {
      const { round: r, bucket: b } = await openBucket();
      return { params: { bucketId: b.id }, roundId: r.id };
    },
    editBucket: async () => {
      const r = await round('proposals');
      const b = await bucket(r.id, 'draft');
      return { params: { bucketId: b.id }, body: { revision: b.revision, title: 'A better bench' }, roundId: r.id };
    },
    listBucketRevisions: async () => {
      const { round: r, bucket: b } = await openBucket();
      return { params: { bucketId: b.id }, roundId: r.id };
    },
    proposeBucket: async () => {
      const r = await round('proposals');
      const b = await bucket(r.id, 'draft');
      return { params: { bucketId: b.id }, roundId: r.id };
    },
    withdrawBucket: async () => {
      const r = await round('proposals');
      const b = await bucket(r.id, 'proposed');
      return { params: { bucketId: b.id }, body: { reason: 'Changed our minds' }, roundId: r.id };
    },
    inviteCoProposer: async () => {
      const r = await round('proposals');
      const b = await bucket(r.id, 'draft');
      const invitee = await t.given.member({ organisationId: home.organisationId });
      return { params: { bucketId: b.id }, body: { email: invitee.email }, roundId: r.id };
    },
    acceptCoProposerInvitation: async (who) => {
      const r = await round('proposals');
      const b = await bucket(r.id, 'draft');
      if (who && who.membershipId !== home.actors.proposer.membershipId) await t.db.insert(bucketProposers).values({ bucketId: b.id, membershipId: who.membershipId, status: 'invited' });
      return { params: { bucketId: b.id }, roundId: r.id };
    },
    declineCoProposerInvitation: async (who) => {
      const r = await round('proposals');
      const b = await bucket(r.id, 'draft');
      if (who && who.membershipId !== home.actors.proposer.membershipId) await t.db.insert(bucketProposers).values({ bucketId: b.id, membershipId: who.membershipId, status: 'invited' });
      return { params: { bucketId: b.id }, roundId: r.id };
    },
    removeCoProposer: async () => {
      const r = await round('proposals');
      const b = await bucket(r.id, 'draft');
      const invitee = await t.given.member({ organisationId: home.organisationId });
      await t.db.insert(bucketProposers).values({ bucketId: b.id, membershipId: invitee.membershipId, status: 'invited' });
      return { params: { bucketId: b.id, membershipId: invitee.membershipId }, roundId: r.id };
    },
    approveBucket: async () => {
      const r = await round('proposals', { approvalRequired: true });
      const b = await bucket(r.id, 'proposed');
      return { params: { bucketId: b.id }, body: { reason: 'Fine' }, roundId: r.id };
    },
    rejectBucket: async () => {
      const r = await round('proposals', { approvalRequired: true });
      const b = await bucket(r.id, 'proposed');
      return { params: { bucketId: b.id }, body: { reason: 'Out of scope' }, roundId: r.id };
    },
    requestBucketChanges: async () => {
      const r = await round('proposals', { approvalRequired: true });
      const b = await bucket(r.id, 'proposed');
      return { params: { bucketId: b.id }, body: { reason: 'Add a quote' }, roundId: r.id };
    },
    addCostingNote: async () => {
      const r = await round('proposals');
      const b = await bucket(r.id, 'proposed');
      return { params: { bucketId: b.id }, body: { body: 'Quote checked', estimateCents: 140_000 }, roundId: r.id };
    },
    mergeBucket: async () => {
      const r = await round('proposals');
      const from = await bucket(r.id, 'proposed');
      const into = await bucket(r.id, 'proposed');
      return { params: { bucketId: from.id }, body: { intoBucketId: into.id, reason: 'Same idea' }, roundId: r.id };
    },
    listComments: async () => {
      const { round: r, bucket: b } = await openBucket();
      return { params: { bucketId: b.id }, roundId: r.id };
    },
    postComment: async () => {
      const { round: r, bucket: b } = await openBucket();
      return { params: { bucketId: b.id }, body: { body: 'I like it' }, roundId: r.id };
    },
    editComment: async (who) => {
      const { round: r, bucket: b } = await openBucket();
      const c = await comment(b.id, (who ?? home.actors.member).membershipId);
      return { params: { commentId: c.id }, body: { body: 'Edited' }, roundId: r.id };
    },
    deleteComment: async (who) => {
      const { round: r, bucket: b } = await openBucket();
      const c = await comment(b.id, (who ?? home.actors.member).membershipId);
      return { params: { commentId: c.id }, roundId: r.id };
    },
    listFlags: async () => {
      const { round: r, bucket: b } = await openBucket();
      return { params: { bucketId: b.id }, roundId: r.id };
    },
    listRoundFlags: async () => {
      const { round: r, bucket: b } = await openBucket();
      const c = await t.given.criterion(r.id);
      await t.db.insert(criterionFlags).values({ bucketId: b.id, criterionId: c.id, authorId: home.actors.member.membershipId, reason: 'Why?' });
      return { params: { roundId: r.id }, roundId: r.id };
    },
    raiseFlag: async () => {
      const { round: r, bucket: b } = await openBucket();
      const c = await t.given.criterion(r.id);
      return { params: { bucketId: b.id }, body: { criterionId: c.id, reason: 'Who maintains it?' }, roundId: r.id };
    },
    withdrawFlag: async (who) => {
      const { round: r, bucket: b } = await openBucket();
      const c = await t.given.criterion(r.id);
      const [flag] = await t.db.insert(criterionFlags).values({ bucketId: b.id, criterionId: c.id, authorId: (who ?? home.actors.member).membershipId, reason: 'Why?' }).returning();
      return { params: { flagId: flag?.id ?? '' }, roundId: r.id };
    },
    answerFlag: async () => {
      const { round: r, bucket: b } = await openBucket();
      const c = await t.given.criterion(r.id);
      const [flag] = await t.db.insert(criterionFlags).values({ bucketId: b.id, criterionId: c.id, authorId: home.actors.member.membershipId, reason: 'Why?' }).returning();
      return { params: { flagId: flag?.id ?? '' }, body: { body: 'Because' }, roundId: r.id };
    },
    getRoundResults: async () => {
      const r = await round('closed', { closedAt: t.clock.now() });
      return { params: { roundId: r.id }, roundId: r.id };
    },
    getMyReceipt: async () => ({ params: { roundId: home.roundId }, roundId: home.roundId }),
    closeRound: async () => {
      const r = await round('funding');
      return { params: { roundId: r.id }, roundId: r.id };
    },
    decideOnShortfall: async () => {
      const r = await round('closed', { shortfallRule: 'board', closedAt: t.clock.now() });
      const b = await bucket(r.id, 'awaiting_board');
      return { params: { bucketId: b.id }, body: { decision: 'return', reason: 'Not enough' }, roundId: r.id };
    },
    endFunding: async () => {
      const r = await round('funding', { kind: 'permanent' });
      const b = await bucket(r.id, 'open', {
        budgetLines: [{ label: 'Paint', amountCents: 1_000, essential: true }, { label: 'Brushes', amountCents: 1_000, essential: false }],
        minCents: 1_000,
        maxCents: 2_000,
      });
      await t.allocate(home.actors.member, b.id, 1_000).expect(200);
      return { params: { bucketId: b.id }, body: { reason: 'Enough' }, roundId: r.id };
    },
    returnMemberAllocations: async () => {
      const { round: r, bucket: b } = await openBucket();
      const leaver = await t.given.member({ organisationId: home.organisationId });
      await t.db.transaction((tx) => openFunding(tx, r, home.actors.admin.membershipId));
      await t.allocate(leaver, b.id, 1_000).expect(200);
      await t.db.update(memberships).set({ active: false }).where(eq(memberships.id, leaver.membershipId));
      return { params: { roundId: r.id, membershipId: leaver.membershipId }, body: { reason: 'Left the coop' }, roundId: r.id };
    },
    setAllocation: async () => {
      const { round: r, bucket: b } = await openBucket();
      return { params: { bucketId: b.id }, body: { amountCents: 1_000 }, roundId: r.id };
    },
    getMyRound: async () => ({ params: { roundId: home.roundId }, roundId: home.roundId }),
    listProgress: async () => {
      const { round: r, bucket: b } = await openBucket();
      return { params: { bucketId: b.id }, roundId: r.id };
    },
    postProgress: async () => {
      const r = await round('closed', { closedAt: t.clock.now() });
      const b = await bucket(r.id, 'funded');
      return { params: { bucketId: b.id }, body: { body: 'Bench ordered' }, roundId: r.id };
    },
    completeBucket: async () => {
      const r = await round('closed', { closedAt: t.clock.now() });
      const b = await bucket(r.id, 'funded');
      return { params: { bucketId: b.id }, body: { note: 'Installed' }, roundId: r.id };
    },
    exportBucketsCsv: async () => ({ params: { roundId: home.roundId }, roundId: home.roundId }),
    exportMembersCsv: async () => ({ params: { roundId: home.roundId }, roundId: home.roundId }),
    exportLedgerCsv: async () => ({ params: { roundId: home.roundId }, roundId: home.roundId }),
    exportRoundXlsx: async () => ({ params: { roundId: home.roundId }, roundId: home.roundId }),
    getRoundReconciliation: async () => ({ params: { roundId: home.roundId }, roundId: home.roundId }),
    followRoundLive: async () => ({ params: { roundId: home.roundId }, roundId: home.roundId, upgrade: true }),
    createLiveTicket: async () => ({ params: { roundId: home.roundId }, roundId: home.roundId }),
    getRoundBoard: async () => ({ params: { roundId: home.roundId }, roundId: home.roundId }),
    createProjectorLink: async () => ({ params: { roundId: home.roundId }, body: { label: 'Hall' }, roundId: home.roundId }),
    listProjectorLinks: async () => ({ params: { roundId: home.roundId }, roundId: home.roundId }),
    revokeProjectorLink: async () => {
      const [link] = await t.db.insert(projectorLinks).values({ roundId: home.roundId, createdBy: home.actors.admin.membershipId, secretHash: hashToken(randomToken()) }).returning();
      return { params: { id: link?.id ?? '' }, roundId: home.roundId };
    },
    getVoteSettings: async () => {
      const { round: r } = await voteRound('proposals');
      return { params: { roundId: r.id }, roundId: r.id };
    },
    saveVoteSettings: async () => {
      const { round: r } = await voteRound('proposals');
      return { params: { roundId: r.id }, body: { budgetCents: 300_000, ballot: { kind: 'points', maxPerProject: 3, maxTotal: 7 } }, roundId: r.id };
    },
    setProjectDistrict: async () => {
      const { round: r, bucket: b, districtId } = await voteRound('proposals');
      return { params: { bucketId: b.id }, body: { districtId }, roundId: r.id };
    },
    listVoterDistricts: async () => {
      const { round: r } = await voteRound('funding');
      return { params: { roundId: r.id }, roundId: r.id };
    },
    setVoterDistrict: async () => {
      const { round: r, districtId } = await voteRound('funding');
      return { params: { roundId: r.id, membershipId: home.actors.member.membershipId }, body: { districtId }, roundId: r.id };
    },
    getMyBallot: async () => {
      const { round: r } = await voteRound('funding');
      return { params: { roundId: r.id }, roundId: r.id };
    },
    castBallot: async () => {
      const { round: r, bucket: b, districtId } = await voteRound('funding');
      return { params: { roundId: r.id }, body: { kind: 'approval', districtId, approved: [b.id] }, roundId: r.id };
    },
    getMemberBallot: async () => {
      const { round: r } = await voteRound('funding');
      return { params: { roundId: r.id, membershipId: home.actors.member.membershipId }, roundId: r.id };
    },
    enterPaperBallot: async () => {
      const { round: r, bucket: b, districtId } = await voteRound('funding');
      return { params: { roundId: r.id, membershipId: home.actors.member.membershipId }, body: { kind: 'approval', districtId, approved: [b.id] }, roundId: r.id };
    },
    closeVote: async () => {
      const { round: r } = await voteRound('funding');
      return { params: { roundId: r.id }, roundId: r.id };
    },
    getVoteResults: async () => {
      const { round: r } = await voteRound('closed');
      return { params: { roundId: r.id }, roundId: r.id };
    },
    exportVoteSelectionCsv: async () => {
      const { round: r } = await voteRound('closed');
      return { params: { roundId: r.id }, roundId: r.id };
    },
    exportVoteSharesCsv: async () => {
      const { round: r } = await voteRound('closed');
      return { params: { roundId: r.id }, roundId: r.id };
    },
    importPabulib: async () => {
      const r = await t.given.round(home.organisationId, { kind: 'vote', defaultAllowanceCents: 0, phase: 'proposals' });
      const pb = 'META\nkey;value\nbudget;1000\nvote_type;approval\nPROJECTS\nproject_id;cost;name\n1;500;Bench\nVOTES\nvoter_id;vote\n1;1\n';
      return { params: { roundId: r.id }, raw: { contentType: 'text/plain', payload: pb }, roundId: r.id };
    },
    exportPabulib: async () => {
      const { round: r } = await voteRound('funding');
      return { params: { roundId: r.id }, query: { district: 'citywide' }, roundId: r.id };
    },
    openProjectorSession: async () => {
      const secretValue = randomToken();
      const [link] = await t.db.insert(projectorLinks).values({ roundId: home.roundId, createdBy: home.actors.admin.membershipId, secretHash: hashToken(secretValue) }).returning();
      return { body: { linkId: link?.id ?? '', secret: secretValue } };
    },
  };

  /** The live route, over a real WebSocket: 101 when the upgrade is accepted, else the refusal's status. */
  function upgrade(url: string, token: string | undefined): Promise<{ statusCode: number; body: string }> {
    const socket = new WebSocket(new URL(url, base.replace(/^http/, 'ws')), { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return new Promise((resolve) => {
      socket.once('open', () => {
        socket.close();
        resolve({ statusCode: 101, body: '' });
      });
      socket.once('error', () => undefined);
      socket.once('unexpected-response', (request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => {
          request.destroy();
          resolve({ statusCode: response.statusCode ?? 0, body });
        });
      });
    });
  }

  async function perform(operation: Operation, call: Call, token: string | undefined): Promise<{ statusCode: number; body: string; headers: Record<string, unknown> }> {
    const url = urlFor(operation, call.params);
    if (call.upgrade) return { ...(await upgrade(url, token)), headers: {} };
    const headers: Record<string, string> = { origin: TEST_ORIGIN, ...call.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    if (call.raw) headers['content-type'] = call.raw.contentType;
    const res = await t.app.inject({
      method: operation.method as 'GET',
      url,
      query: call.query,
      headers,
      ...(call.raw ? { payload: call.raw.payload } : call.body !== undefined ? { payload: call.body as object } : {}),
    });
    return res;
  }

  const home = await side();
  const away = await side();
  const document = t.app.swagger() as { paths: Record<string, Record<string, { operationId?: string }>> };
  const operations: Operation[] = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, operationId: op.operationId ?? `${method} ${path}` })),
  );
  return { home, away, operations, setups: SETUPS, tokenFor, perform, round, bucket, openBucket };
}

export type Operations = Awaited<ReturnType<typeof makeOperations>>;
