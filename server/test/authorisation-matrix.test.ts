import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectorLinks } from '../src/db/schema.ts';
import { hashToken, randomToken } from '../src/security/tokens.ts';
import { testApp, type TestContext } from './harness.ts';
import { ACTORS, makeOperations, type ActorKind, type Call, type Operations } from './operations.ts';

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
 * - ok: 2xx (for the live route, the WebSocket upgrade). A number: that status. `-`: not
 *   scoped to an organisation (nothing to cross).
 *
 * Each call runs on fresh, valid fixtures (`operations.ts`) with a fresh session, so a 403 or
 * 404 is about the caller, and no call spoils a later one. A route in the document without its row, or a row without its route, fails the test.
 */
const MATRIX = `
operation                      anon  member  proposer  reviewer  accountant  admin  deactivated  projector | other  other-proj
requestMagicLink               ok    ok      ok        ok        ok          ok     ok           ok        | -      -
openSession                    ok    ok      ok        ok        ok          ok     ok           ok        | -      -
signOut                        ok    ok      ok        ok        ok          ok     ok           ok        | -      -
getMe                          401   ok      ok        ok        ok          ok     ok           403       | -      -
listMyBuckets                  401   ok      ok        ok        ok          ok     ok           403       | -      -
updateMe                       401   ok      ok        ok        ok          ok     ok           403       | -      -
getSetupStatus                 ok    ok      ok        ok        ok          ok     ok           ok        | -      -
completeSetup                  401   401     401       401       401         401    401          401       | -      -
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
listRoundFlags                 401   ok      ok        ok        ok          ok     404          403       | 404    403
raiseFlag                      401   ok      ok        ok        ok          ok     404          403       | 404    403
withdrawFlag                   401   ok      ok        ok        ok          ok     404          403       | 404    403
answerFlag                     401   403     ok        ok        403         ok     404          403       | 404    403
getRoundResults                401   ok      ok        ok        ok          ok     404          ok        | 404    404
getMyReceipt                   401   ok      ok        ok        ok          ok     404          403       | 404    403
closeRound                     401   403     403       403       403         ok     404          403       | 404    403
decideOnShortfall              401   403     403       403       403         ok     404          403       | 404    403
endFunding                     401   403     ok        403       403         ok     404          403       | 404    403
returnMemberAllocations        401   403     403       403       403         ok     404          403       | 404    403
setAllocation                  401   ok      ok        409       409         409    404          403       | 404    403
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
getVoteSettings                401   ok      ok        ok        ok          ok     404          ok        | 404    404
saveVoteSettings               401   403     403       403       403         ok     404          403       | 404    403
setProjectDistrict             401   403     403       403       403         ok     404          403       | 404    403
listVoterDistricts             401   403     403       403       403         ok     404          403       | 404    403
setVoterDistrict               401   403     403       403       403         ok     404          403       | 404    403
getMyBallot                    401   ok      ok        ok        ok          ok     404          403       | 404    403
castBallot                     401   ok      ok        403       403         403    404          403       | 404    403
getMemberBallot                401   403     403       403       403         ok     404          403       | 404    403
enterPaperBallot               401   403     403       403       403         ok     404          403       | 404    403
closeVote                      401   403     403       403       403         ok     404          403       | 404    403
getVoteResults                 401   ok      ok        ok        ok          ok     404          ok        | 404    404
exportVoteSelectionCsv         401   403     403       403       ok          ok     404          403       | 404    403
exportVoteSharesCsv            401   403     403       403       ok          ok     404          403       | 404    403
importPabulib                  401   403     403       403       403         ok     404          403       | 404    403
exportPabulib                  401   403     403       403       ok          ok     404          403       | 404    403
`;

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

/** 2xx, or, on the WebSocket route, 101 Switching Protocols. */
function outcome(status: number, upgrading: boolean | undefined): Expected {
  if (upgrading && status === 101) return 'ok';
  return status >= 200 && status < 300 ? 'ok' : status;
}

let t: TestContext;
let w: Operations;

beforeAll(async () => {
  t = await testApp();
  w = await makeOperations(t, await t.app.listen({ port: 0, host: '127.0.0.1' }));
}, 60_000);
afterAll(() => t.close());

describe('the authorisation matrix', () => {
  it('has exactly one row and one fixture for every operation of the OpenAPI document', () => {
    const documented = w.operations.map((o) => o.operationId).sort();
    expect(ROWS.map((r) => r.operation).sort()).toEqual(documented);
    expect(Object.keys(w.setups).sort()).toEqual(documented);
  });

  it('gives every caller of the same organisation the expected outcome', async () => {
    const mismatches: string[] = [];
    for (const row of ROWS) {
      const operation = w.operations.find((o) => o.operationId === row.operation);
      const setup = w.setups[row.operation];
      if (!operation || !setup) continue;
      for (const kind of ACTORS) {
        const who = kind === 'anon' || kind === 'projector' ? undefined : w.home.actors[kind];
        const call = await setup(who);
        const token = await w.tokenFor(kind, w.home, call.roundId ?? w.home.roundId);
        const res = await w.perform(operation, call, token);
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
      const operation = w.operations.find((o) => o.operationId === row.operation);
      const setup = w.setups[row.operation];
      if (!operation || !setup) continue;
      for (const kind of ['member', 'proposer', 'reviewer', 'accountant', 'admin', 'deactivated', 'projector'] as const) {
        const call = await setup(undefined);
        const token = await w.tokenFor(kind, w.away, w.away.roundId);
        const res = await w.perform(operation, call, token);
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
      const { round: r, bucket: b } = await w.openBucket();
      return { params: { bucketId: b.id }, body: { amountCents: 1_000, memberId: w.away.actors.member.membershipId }, roundId: r.id };
    },
  },
  {
    operation: 'mergeBucket',
    what: 'intoBucketId of another organisation’s bucket',
    expected: 404,
    call: async () => {
      const r = await w.round('proposals');
      const from = await w.bucket(r.id, 'proposed');
      const theirRound = await t.given.round(w.away.organisationId, { phase: 'proposals' });
      const into = await t.given.bucket(theirRound.id, w.away.actors.proposer, { status: 'proposed' });
      return { params: { bucketId: from.id }, body: { intoBucketId: into.id, reason: 'Same idea' }, roundId: r.id };
    },
  },
  {
    operation: 'grantAllowances',
    what: 'membershipIds of another organisation’s member',
    expected: 404,
    call: async () => {
      const r = await w.round('funding');
      return { params: { roundId: r.id }, body: { amountCents: 1_000, reason: 'Top-up', membershipIds: [w.away.actors.member.membershipId] }, roundId: r.id };
    },
  },
  {
    operation: 'setAllowanceOverride',
    what: 'the path’s membership of another organisation',
    expected: 404,
    call: async () => {
      const r = await w.round('proposals');
      return { params: { roundId: r.id, membershipId: w.away.actors.member.membershipId }, body: { amountCents: 12_000 }, roundId: r.id };
    },
  },
  {
    operation: 'removeAllowanceOverride',
    what: 'the path’s membership of another organisation',
    expected: 404,
    call: async () => {
      const r = await w.round('proposals');
      return { params: { roundId: r.id, membershipId: w.away.actors.member.membershipId }, roundId: r.id };
    },
  },
  {
    operation: 'importAllowances',
    what: 'a CSV naming another organisation’s member',
    expected: 400,
    call: async () => {
      const r = await w.round('proposals');
      return { params: { roundId: r.id }, raw: { contentType: 'text/csv', payload: `email,amount\n${w.away.actors.member.email},120.00\n` }, roundId: r.id };
    },
  },
  {
    operation: 'returnMemberAllocations',
    what: 'the path’s membership of another organisation',
    expected: 404,
    call: async () => {
      const r = await w.round('funding');
      return { params: { roundId: r.id, membershipId: w.away.actors.deactivated.membershipId }, body: { reason: 'Left the coop' }, roundId: r.id };
    },
  },
  {
    operation: 'removeCoProposer',
    what: 'the path’s membership of another organisation',
    expected: 404,
    call: async () => {
      const r = await w.round('proposals');
      const b = await w.bucket(r.id, 'draft');
      return { params: { bucketId: b.id, membershipId: w.away.actors.member.membershipId }, roundId: r.id };
    },
  },
  {
    operation: 'inviteCoProposer',
    what: 'the e-mail of another organisation’s member',
    expected: 404,
    by: 'proposer',
    call: async () => {
      const r = await w.round('proposals');
      const b = await w.bucket(r.id, 'draft');
      return { params: { bucketId: b.id }, body: { email: w.away.actors.member.email }, roundId: r.id };
    },
  },
  {
    operation: 'raiseFlag',
    what: 'criterionId of another organisation’s round',
    expected: 400,
    code: 'criterion_not_in_round',
    call: async () => {
      const { round: r, bucket: b } = await w.openBucket();
      const theirs = await t.given.criterion(w.away.roundId);
      return { params: { bucketId: b.id }, body: { criterionId: theirs.id, reason: 'Who maintains it?' }, roundId: r.id };
    },
  },
  {
    operation: 'updateMember',
    what: 'our organisation in the path, another organisation’s membership',
    expected: 404,
    call: async () => ({ params: { orgId: w.home.organisationId, membershipId: w.away.actors.member.membershipId }, body: { active: false }, roundId: w.home.roundId }),
  },
  {
    operation: 'eraseMember',
    what: 'our organisation in the path, another organisation’s membership',
    expected: 404,
    call: async () => {
      const victim = await t.given.member({ organisationId: w.away.organisationId });
      return { params: { orgId: w.home.organisationId, membershipId: victim.membershipId }, roundId: w.home.roundId };
    },
  },
  {
    operation: 'revokeProjectorLink',
    what: 'another organisation’s projector link',
    expected: 404,
    call: async () => {
      const [link] = await t.db.insert(projectorLinks).values({ roundId: w.away.roundId, createdBy: w.away.actors.admin.membershipId, secretHash: hashToken(randomToken()) }).returning();
      return { params: { id: link?.id ?? '' }, roundId: w.home.roundId };
    },
  },
];

describe('ids of another organisation inside our own requests', () => {
  it.each(FOREIGN_IDS.map((row) => [row.operation, row.what, row] as const))('%s with %s is refused', async (_operation, _what, row) => {
    const operation = w.operations.find((o) => o.operationId === row.operation);
    if (!operation) throw new Error(`no operation ${row.operation}`);
    const call = await row.call();
    const before = await footprint();
    const res = await w.perform(operation, call, await w.tokenFor(row.by ?? 'admin', w.home, w.home.roundId));
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
    [w.away.organisationId],
  );
  return rows[0];
}
