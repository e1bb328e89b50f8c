import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { WebSocket } from 'ws';
import type { Role } from '@cagnotte/shared';
import { bucketProposers, comments, criterionFlags, magicLinks, memberships, projectorLinks, sessions } from '../src/db/schema.ts';
import { openFunding } from '../src/features/allocations/ledger.ts';
import { hashToken, randomToken } from '../src/security/tokens.ts';
import { signSessionToken } from '../src/security/session-token.ts';
import { testApp, testConfig, TEST_ORIGIN, type TestContext } from './harness.ts';
import type { Member } from './given.ts';

/**
 * Who may call what. Every operation of the OpenAPI document, called by each kind of caller of
 * the organisation that owns the data (left of `|`) and of another organisation (right of `|`):
 *
 * - anon: no session; member: an active member with no tie to the project; proposer: an
 *   accepted proposer of the project (role member); reviewer, accountant, admin; deactivated: a
 *   member whose membership was deactivated (still signed in); projector: a projector session of
 *   the round the call touches.
 * - other: the same roles (member … admin, deactivated) in another organisation, all expected
 *   alike; other-proj: a projector session of another organisation's round.
 * - ok: 2xx. A number: that status. `-`: not scoped to an organisation (nothing to cross).
 *
 * A route in the document without its row, or a row without its route, fails the test.
 */
const MATRIX = `
operation                      anon  member  proposer  reviewer  accountant  admin  deactivated  projector | other  other-proj
requestMagicLink               ok    ok      ok        ok        ok          ok     ok           ok        | -      -
openSession                    ok    ok      ok        ok        ok          ok     ok           ok        | -      -
signOut                        ok    ok      ok        ok        ok          ok     ok           ok        | -      -
getMe                          401   ok      ok        ok        ok          ok     ok           403       | -      -
getOrganisation                401   ok      ok        ok        ok          ok     404          403       | 404    403
updateOrganisation             401   403     403       403       403         ok     404          403       | 404    403
listMembers                    401   ok      ok        ok        ok          ok     404          403       | 404    403
addMember                      401   403     403       403       403         ok     404          403       | 404    403
importMembers                  401   403     403       403       403         ok     404          403       | 404    403
updateMember                   401   403     403       403       403         ok     404          403       | 404    403
eraseMember                    401   403     403       403       403         ok     404          403       | 404    403
createRound                    401   403     403       403       403         ok     404          403       | 404    403
listRounds                     401   ok      ok        ok        ok          ok     404          403       | 404    403
getRound                       401   ok      ok        ok        ok          ok     404          ok        | 404    404
updateRound                    401   403     403       403       403         ok     404          403       | 404    403
changeRoundPhase               401   403     403       403       403         ok     404          403       | 404    403
listRoundDecisions             401   ok      ok        ok        ok          ok     404          403       | 404    403
listCriteria                   401   ok      ok        ok        ok          ok     404          403       | 404    403
createCriterion                401   403     403       403       403         ok     404          403       | 404    403
updateCriterion                401   403     403       403       403         ok     404          403       | 404    403
deleteCriterion                401   403     403       403       403         ok     404          403       | 404    403
listAllowances                 401   403     403       403       ok          ok     404          403       | 404    403
setAllowanceOverride           401   403     403       403       403         ok     404          403       | 404    403
removeAllowanceOverride        401   403     403       403       403         ok     404          403       | 404    403
importAllowances               401   403     403       403       403         ok     404          403       | 404    403
grantAllowances                401   403     403       403       403         ok     404          403       | 404    403
createBucket                   401   ok      ok        ok        ok          ok     404          403       | 404    403
listBuckets                    401   ok      ok        ok        ok          ok     404          403       | 404    403
getBucket                      401   ok      ok        ok        ok          ok     404          403       | 404    403
editBucket                     401   403     ok        403       403         403    404          403       | 404    403
listBucketRevisions            401   ok      ok        ok        ok          ok     404          403       | 404    403
proposeBucket                  401   403     ok        403       403         403    404          403       | 404    403
withdrawBucket                 401   403     ok        403       403         ok     404          403       | 404    403
inviteCoProposer               401   403     ok        403       403         403    404          403       | 404    403
acceptCoProposerInvitation     401   ok      409       ok        ok          ok     404          403       | 404    403
declineCoProposerInvitation    401   ok      409       ok        ok          ok     404          403       | 404    403
removeCoProposer               401   403     ok        403       403         403    404          403       | 404    403
approveBucket                  401   403     403       ok        403         ok     404          403       | 404    403
rejectBucket                   401   403     403       ok        403         ok     404          403       | 404    403
requestBucketChanges           401   403     403       ok        403         ok     404          403       | 404    403
addCostingNote                 401   403     403       ok        403         ok     404          403       | 404    403
mergeBucket                    401   403     403       ok        403         ok     404          403       | 404    403
listComments                   401   ok      ok        ok        ok          ok     404          403       | 404    403
postComment                    401   ok      ok        ok        ok          ok     404          403       | 404    403
editComment                    401   ok      ok        ok        ok          ok     404          403       | 404    403
deleteComment                  401   ok      ok        ok        ok          ok     404          403       | 404    403
listFlags                      401   ok      ok        ok        ok          ok     404          403       | 404    403
raiseFlag                      401   ok      ok        ok        ok          ok     404          403       | 404    403
withdrawFlag                   401   ok      ok        ok        ok          ok     404          403       | 404    403
answerFlag                     401   403     ok        ok        403         ok     404          403       | 404    403
getRoundResults                401   ok      ok        ok        ok          ok     404          ok        | 404    404
getMyReceipt                   401   ok      ok        ok        ok          ok     404          403       | 404    403
closeRound                     401   403     403       403       403         ok     404          403       | 404    403
decideOnShortfall              401   403     403       403       403         ok     404          403       | 404    403
endFunding                     401   403     ok        403       403         ok     404          403       | 404    403
returnMemberAllocations        401   403     403       403       403         ok     404          403       | 404    403
setAllocation                  401   ok      ok        ok        ok          ok     404          403       | 404    403
getMyRound                     401   ok      ok        ok        ok          ok     404          403       | 404    403
listProgress                   401   ok      ok        ok        ok          ok     404          403       | 404    403
postProgress                   401   403     ok        403       403         403    404          403       | 404    403
completeBucket                 401   403     ok        403       403         ok     404          403       | 404    403
exportBucketsCsv               401   403     403       403       ok          ok     404          403       | 404    403
exportMembersCsv               401   403     403       403       ok          ok     404          403       | 404    403
exportLedgerCsv                401   403     403       403       ok          ok     404          403       | 404    403
exportRoundXlsx                401   403     403       403       ok          ok     404          403       | 404    403
getRoundReconciliation         401   403     403       403       ok          ok     404          403       | 404    403
followRoundLive                401   ok      ok        ok        ok          ok     404          ok        | 404    404
createLiveTicket               401   ok      ok        ok        ok          ok     404          ok        | 404    404
getRoundBoard                  401   ok      ok        ok        ok          ok     404          ok        | 404    404
createProjectorLink            401   403     403       403       403         ok     404          403       | 404    403
listProjectorLinks             401   403     403       403       403         ok     404          403       | 404    403
revokeProjectorLink            401   403     403       403       403         ok     404          403       | 404    403
openProjectorSession           ok    ok      ok        ok        ok          ok     ok           ok        | -      -
`;

const ACTORS = ['anon', 'member', 'proposer', 'reviewer', 'accountant', 'admin', 'deactivated', 'projector'] as const;
type ActorKind = (typeof ACTORS)[number];
type Expected = 'ok' | '-' | number;
type Row = { operation: string; same: Record<ActorKind, Expected>; other: Expected; otherProjector: Expected };

function parseMatrix(text: string): Row[] {
  const lines = text.trim().split('\n').slice(1);
  const cell = (value: string): Expected => (value === 'ok' || value === '-' ? value : Number(value));
  return lines.map((line) => {
    const [left = '', right = ''] = line.split('|');
    const [operation = '', ...cells] = left.trim().split(/\s+/);
    const [other = '', otherProjector = ''] = right.trim().split(/\s+/);
    if (cells.length !== ACTORS.length) throw new Error(`row ${operation}: ${cells.length} cells, not ${ACTORS.length}`);
    return {
      operation,
      same: Object.fromEntries(ACTORS.map((a, i) => [a, cell(cells[i] ?? '')])) as Record<ActorKind, Expected>,
      other: cell(other),
      otherProjector: cell(otherProjector),
    };
  });
}

const ROWS = parseMatrix(MATRIX);

/** One call: the path's parameters, the body, and the round it touches (for the projector). */
type Call = {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** A raw payload with its content type (CSV imports). */
  raw?: { contentType: string; payload: string };
  roundId?: string;
  /** The WebSocket route: called with a real upgrade. */
  upgrade?: boolean;
};

type Side = { organisationId: string; actors: Record<Exclude<ActorKind, 'anon' | 'projector'>, Member>; roundId: string };

let t: TestContext;
let base: string;
let home: Side;
let away: Side;

type Operation = { method: string; path: string; operationId: string };
let operations: Operation[];

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

async function allocate(member: Member, bucketId: string, amountCents: number) {
  const res = await t.app.inject({ method: 'PUT', url: `/api/buckets/${bucketId}/allocation`, headers: { authorization: `Bearer ${member.token}` }, payload: { amountCents } });
  if (res.statusCode !== 200) throw new Error(`allocation refused: ${res.body}`);
}

async function comment(bucketId: string, authorId: string) {
  const [row] = await t.db.insert(comments).values({ bucketId, authorId, body: 'A comment' }).returning();
  if (!row) throw new Error('no comment');
  return row;
}

/**
 * The fixture of each operation. `who` is the membership id of the caller when it is a member
 * of the home organisation (some rows need the caller's own comment, flag or invitation).
 */
type Setup = (who: Member | undefined) => Promise<Call>;

const SETUPS: Record<string, Setup> = {
  requestMagicLink: async () => ({ body: { email: home.actors.member.email } }),
  openSession: async () => {
    const token = randomToken();
    await t.db.insert(magicLinks).values({ personId: home.actors.member.personId, tokenHash: hashToken(token), expiresAt: new Date(t.clock.now().getTime() + 600_000) });
    return { body: { token } };
  },
  signOut: async () => ({}),
  getMe: async () => ({}),
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
    await allocate(home.actors.member, b.id, 1_000);
    return { params: { bucketId: b.id }, body: { reason: 'Enough' }, roundId: r.id };
  },
  returnMemberAllocations: async () => {
    const { round: r, bucket: b } = await openBucket();
    const leaver = await t.given.member({ organisationId: home.organisationId });
    await t.db.transaction((tx) => openFunding(tx, r, home.actors.admin.membershipId));
    await allocate(leaver, b.id, 1_000);
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
  const url = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = call.params?.[name];
    if (value === undefined) throw new Error(`${operation.operationId}: no value for {${name}}`);
    return value;
  });
  if (call.upgrade) return { ...(await upgrade(url, token)), headers: {} };
  const headers: Record<string, string> = { origin: TEST_ORIGIN };
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

/** 2xx, or, on the WebSocket route, 101 Switching Protocols. */
function outcome(status: number, upgrading: boolean | undefined): Expected {
  if (upgrading && status === 101) return 'ok';
  return status >= 200 && status < 300 ? 'ok' : status;
}

beforeAll(async () => {
  t = await testApp();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  home = await side();
  away = await side();
  const document = t.app.swagger() as { paths: Record<string, Record<string, { operationId?: string }>> };
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, operationId: op.operationId ?? `${method} ${path}` })),
  );
}, 60_000);
afterAll(() => t.close());

describe('the authorisation matrix', () => {
  it('has exactly one row and one fixture for every operation of the OpenAPI document', () => {
    const documented = operations.map((o) => o.operationId).sort();
    expect(ROWS.map((r) => r.operation).sort()).toEqual(documented);
    expect(Object.keys(SETUPS).sort()).toEqual(documented);
  });

  it('gives every caller of the same organisation the expected outcome', async () => {
    const mismatches: string[] = [];
    for (const row of ROWS) {
      const operation = operations.find((o) => o.operationId === row.operation);
      const setup = SETUPS[row.operation];
      if (!operation || !setup) continue;
      for (const kind of ACTORS) {
        const who = kind === 'anon' || kind === 'projector' ? undefined : home.actors[kind];
        const call = await setup(who);
        const token = await tokenFor(kind, home, call.roundId ?? home.roundId);
        const res = await perform(operation, call, token);
        const got = outcome(res.statusCode, call.upgrade);
        if (got !== row.same[kind]) mismatches.push(`${row.operation} as ${kind}: expected ${row.same[kind]}, got ${res.statusCode} ${res.body.slice(0, 160)}`);
        if (res.statusCode >= 400 && !call.upgrade) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    }
    expect(mismatches).toEqual([]);
  }, 120_000);

  it('gives every caller of another organisation a 404 (or the projector its 403/404), never the data', async () => {
    const mismatches: string[] = [];
    for (const row of ROWS) {
      if (row.other === '-') continue;
      const operation = operations.find((o) => o.operationId === row.operation);
      const setup = SETUPS[row.operation];
      if (!operation || !setup) continue;
      for (const kind of ['member', 'proposer', 'reviewer', 'accountant', 'admin', 'deactivated', 'projector'] as const) {
        const call = await setup(undefined);
        const token = await tokenFor(kind, away, away.roundId);
        const res = await perform(operation, call, token);
        const expected = kind === 'projector' ? row.otherProjector : row.other;
        const got = outcome(res.statusCode, call.upgrade);
        if (got !== expected) mismatches.push(`${row.operation} as ${kind} of another organisation: expected ${expected}, got ${res.statusCode} ${res.body.slice(0, 160)}`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 120_000);
});

/**
 * Ids of another organisation placed where the path is ours: in bodies, in CSV files, and as the
 * second id of a path. The home admin may do each of these operations with ids of their own
 * organisation (the matrix above); with the other organisation's, the other data does not exist.
 */
const FOREIGN_IDS: { operation: string; what: string; expected: number; code?: string; by?: 'proposer'; call: () => Promise<Call> }[] = [
  {
    operation: 'setAllocation',
    what: 'memberId of another organisation’s member, entered by our admin',
    // What any id that is no participant of this round gets: nothing tells it exists elsewhere.
    expected: 409,
    code: 'no_allowance',
    call: async () => {
      const { round: r, bucket: b } = await openBucket();
      return { params: { bucketId: b.id }, body: { amountCents: 1_000, memberId: away.actors.member.membershipId }, roundId: r.id };
    },
  },
  {
    operation: 'mergeBucket',
    what: 'intoBucketId of another organisation’s bucket',
    expected: 404,
    call: async () => {
      const r = await round('proposals');
      const from = await bucket(r.id, 'proposed');
      const theirRound = await t.given.round(away.organisationId, { phase: 'proposals' });
      const into = await t.given.bucket(theirRound.id, away.actors.proposer, { status: 'proposed' });
      return { params: { bucketId: from.id }, body: { intoBucketId: into.id, reason: 'Same idea' }, roundId: r.id };
    },
  },
  {
    operation: 'grantAllowances',
    what: 'membershipIds of another organisation’s member',
    expected: 404,
    call: async () => {
      const r = await round('funding');
      return { params: { roundId: r.id }, body: { amountCents: 1_000, reason: 'Top-up', membershipIds: [away.actors.member.membershipId] }, roundId: r.id };
    },
  },
  {
    operation: 'setAllowanceOverride',
    what: 'the path’s membership of another organisation',
    expected: 404,
    call: async () => {
      const r = await round('proposals');
      return { params: { roundId: r.id, membershipId: away.actors.member.membershipId }, body: { amountCents: 12_000 }, roundId: r.id };
    },
  },
  {
    operation: 'removeAllowanceOverride',
    what: 'the path’s membership of another organisation',
    expected: 404,
    call: async () => {
      const r = await round('proposals');
      return { params: { roundId: r.id, membershipId: away.actors.member.membershipId }, roundId: r.id };
    },
  },
  {
    operation: 'importAllowances',
    what: 'a CSV naming another organisation’s member',
    expected: 400,
    call: async () => {
      const r = await round('proposals');
      return { params: { roundId: r.id }, raw: { contentType: 'text/csv', payload: `email,amount\n${away.actors.member.email},120.00\n` }, roundId: r.id };
    },
  },
  {
    operation: 'returnMemberAllocations',
    what: 'the path’s membership of another organisation',
    expected: 404,
    call: async () => {
      const r = await round('funding');
      return { params: { roundId: r.id, membershipId: away.actors.deactivated.membershipId }, body: { reason: 'Left the coop' }, roundId: r.id };
    },
  },
  {
    operation: 'removeCoProposer',
    what: 'the path’s membership of another organisation',
    expected: 404,
    call: async () => {
      const r = await round('proposals');
      const b = await bucket(r.id, 'draft');
      return { params: { bucketId: b.id, membershipId: away.actors.member.membershipId }, roundId: r.id };
    },
  },
  {
    operation: 'inviteCoProposer',
    what: 'the e-mail of another organisation’s member',
    expected: 404,
    by: 'proposer',
    call: async () => {
      const r = await round('proposals');
      const b = await bucket(r.id, 'draft');
      return { params: { bucketId: b.id }, body: { email: away.actors.member.email }, roundId: r.id };
    },
  },
  {
    operation: 'raiseFlag',
    what: 'criterionId of another organisation’s round',
    expected: 400,
    code: 'criterion_not_in_round',
    call: async () => {
      const { round: r, bucket: b } = await openBucket();
      const theirs = await t.given.criterion(away.roundId);
      return { params: { bucketId: b.id }, body: { criterionId: theirs.id, reason: 'Who maintains it?' }, roundId: r.id };
    },
  },
  {
    operation: 'updateMember',
    what: 'our organisation in the path, another organisation’s membership',
    expected: 404,
    call: async () => ({ params: { orgId: home.organisationId, membershipId: away.actors.member.membershipId }, body: { active: false }, roundId: home.roundId }),
  },
  {
    operation: 'eraseMember',
    what: 'our organisation in the path, another organisation’s membership',
    expected: 404,
    call: async () => {
      const victim = await t.given.member({ organisationId: away.organisationId });
      return { params: { orgId: home.organisationId, membershipId: victim.membershipId }, roundId: home.roundId };
    },
  },
  {
    operation: 'revokeProjectorLink',
    what: 'another organisation’s projector link',
    expected: 404,
    call: async () => {
      const [link] = await t.db.insert(projectorLinks).values({ roundId: away.roundId, createdBy: away.actors.admin.membershipId, secretHash: hashToken(randomToken()) }).returning();
      return { params: { id: link?.id ?? '' }, roundId: home.roundId };
    },
  },
];

describe('ids of another organisation inside our own requests', () => {
  it.each(FOREIGN_IDS.map((row) => [row.operation, row.what, row] as const))('%s with %s is refused', async (_operation, _what, row) => {
    const operation = operations.find((o) => o.operationId === row.operation);
    if (!operation) throw new Error(`no operation ${row.operation}`);
    const call = await row.call();
    const before = await footprint();
    const res = await perform(operation, call, await tokenFor(row.by ?? 'admin', home, home.roundId));
    expect({ status: res.statusCode, body: JSON.parse(res.body) }).toMatchObject({ status: row.expected, body: { status: row.expected, ...(row.code ? { code: row.code } : {}) } });
    expect(await footprint()).toEqual(before);
  });
});

/** What another organisation's data looks like, to prove a refusal changed none of it. */
async function footprint() {
  const { rows } = await t.pool.query(
    `SELECT (SELECT count(*) FROM ledger l JOIN rounds r ON r.id = l.round_id WHERE r.organisation_id = $1) AS ledger,
            (SELECT json_agg(json_build_object('id', m.id, 'role', m.role, 'active', m.active) ORDER BY m.id) FROM memberships m WHERE m.organisation_id = $1) AS memberships,
            (SELECT json_agg(json_build_object('id', p.id, 'name', p.name, 'email', p.email) ORDER BY p.id) FROM people p JOIN memberships m ON m.person_id = p.id WHERE m.organisation_id = $1) AS people,
            (SELECT json_agg(json_build_object('id', b.id, 'status', b.status) ORDER BY b.id) FROM buckets b JOIN rounds r ON r.id = b.round_id WHERE r.organisation_id = $1) AS buckets,
            (SELECT count(*) FROM projector_links pl JOIN rounds r ON r.id = pl.round_id WHERE r.organisation_id = $1 AND pl.revoked_at IS NOT NULL) AS revoked_links`,
    [away.organisationId],
  );
  return rows[0];
}
