import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { testApp } from './harness.ts';
import { applyMutation, BROKEN_BODIES, HOSTILE_IDS, hostileValues, mutationsOf, type JsonSchema, type Mutation } from './hostile-input.ts';
import { makeOperations, urlFor, type Call, type Operation, type ActorKind } from './operations.ts';

/**
 * Every documented operation, fed hostile input derived from its own schemas: a valid request
 * (the fixture the authorisation matrix uses) with one slot spoilt, broken or foreign bodies,
 * hostile ids and query parameters. Whatever arrives: never a 5xx, always a problem body that
 * names the problem (its `code`, and the field when a field is at fault), and a refusal writes
 * nothing at all. Run counts are bounded so that the file stays fast on a busy machine; a
 * failure prints fast-check's seed and the smallest request that shows it.
 */
const RUNS_PER_OPERATION = 10;
const RUNS_PER_QUERY = 15;
/** Broken bodies and hostile ids take the same path in every route: a few per route cover them all across routes. */
const RUNS_PER_ROUTE_CHEAP = 5;

const t = await testApp();
const w = await makeOperations(t, await t.app.listen({ port: 0, host: '127.0.0.1' }));
afterAll(() => t.close());

type DocOperation = {
  operationId?: string;
  parameters?: { name: string; in: 'path' | 'query' | 'header'; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
};
const document = t.app.swagger() as { paths: Record<string, Record<string, DocOperation>> };
const described = (operation: Operation): DocOperation => document.paths[operation.path]?.[operation.method.toLowerCase()] ?? {};

/** Who sends the requests: someone the operation accepts, so that input reaches the service. */
const PROPOSER_OPERATIONS = new Set(['editBucket', 'proposeBucket', 'inviteCoProposer', 'removeCoProposer', 'postProgress']);
const PUBLIC_OPERATIONS = new Set(['requestMagicLink', 'openSession', 'openProjectorSession']);
const callerOf = (operationId: string): Extract<ActorKind, 'anon' | 'proposer' | 'admin'> =>
  PUBLIC_OPERATIONS.has(operationId) ? 'anon' : PROPOSER_OPERATIONS.has(operationId) ? 'proposer' : 'admin';

/** Every table's row count and newest row version: any write, even undone by hand, moves one. */
let tables: string[] = [];
async function fingerprint(): Promise<string> {
  if (tables.length === 0) {
    const { rows } = await t.pool.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
    tables = rows.map((r) => r.tablename);
  }
  const { rows } = await t.pool.query(tables.map((name) => `SELECT '${name}' AS t, count(*) AS n, max(xmin::text::bigint) AS x FROM "${name}"`).join(' UNION ALL '));
  return JSON.stringify(rows);
}

/**
 * The fixture of an operation, its caller's token and the database's fingerprint once both
 * exist; kept until a request succeeds (and so may have used them up).
 */
class Fixture {
  private ready: { call: Call; token: string | undefined; fingerprint: string } | undefined;
  constructor(private readonly operation: Operation) {}
  async get() {
    if (this.ready) return this.ready;
    const setup = w.setups[this.operation.operationId];
    if (!setup) throw new Error(`no fixture for ${this.operation.operationId}`);
    const kind = callerOf(this.operation.operationId);
    const call = await setup(kind === 'anon' ? undefined : w.home.actors[kind]);
    const token = await w.tokenFor(kind, w.home, call.roundId ?? w.home.roundId);
    this.ready = { call, token, fingerprint: await fingerprint() };
    return this.ready;
  }
  spent(): void {
    this.ready = undefined;
  }
}

type Sent = { url: string; query?: Record<string, string>; contentType?: string; payload?: string | Buffer };

async function send(operation: Operation, fixture: Fixture, build: (call: Call) => Sent, fieldAtFault?: string): Promise<void> {
  const { call, token, fingerprint: before } = await fixture.get();
  const request = build(call);
  const res = await t.app.inject({
    method: operation.method as 'GET',
    url: request.url,
    query: request.query,
    headers: {
      origin: 'http://cagnotte.test',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(request.contentType ? { 'content-type': request.contentType } : {}),
    },
    ...(request.payload !== undefined ? { payload: request.payload } : {}),
  });
  const shown = `${operation.method} ${request.url.slice(0, 200)} ${JSON.stringify(request.query ?? {}).slice(0, 200)} ${typeof request.payload === 'string' ? request.payload.slice(0, 300) : ''}`;
  if (res.statusCode < 400) {
    fixture.spent();
    return;
  }
  const problem = (() => {
    try {
      return JSON.parse(res.body) as { code?: unknown; status?: unknown; detail?: unknown; errors?: { path: string }[] };
    } catch {
      return undefined;
    }
  })();
  const failures: string[] = [];
  if (res.statusCode >= 500) failures.push(`answered ${res.statusCode}`);
  if (!String(res.headers['content-type']).startsWith('application/problem+json')) failures.push(`content type ${res.headers['content-type']}`);
  if (typeof problem?.code !== 'string' || problem.status !== res.statusCode || typeof problem.detail !== 'string') failures.push('no problem body with code, status and detail');
  if (fieldAtFault && res.statusCode === 400 && !`${problem?.detail} ${JSON.stringify(problem?.errors ?? [])}`.includes(fieldAtFault)) failures.push(`the problem does not name ${fieldAtFault}`);
  if ((await fingerprint()) !== before) failures.push('a refusal wrote to the database');
  if (failures.length > 0) throw new Error(`${shown}\n→ ${res.statusCode} ${res.body.slice(0, 400)}\n${failures.join('; ')}`);
}

const jsonBodied = (op: Operation) => described(op).requestBody?.content['application/json']?.schema;
const csvBodied = (op: Operation) => Boolean(described(op).requestBody?.content['text/csv']);

/** A random string of any code units, lone surrogates and controls included, in any slot that takes text. */
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ unit: fc.constantFrom('\u0000', '\ud800', '\u202e', 'a', '\u0009'), maxLength: 20 }));
const anyNumber = fc.oneof(fc.integer(), fc.double(), fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(Number));

function mutationArbitrary(schema: JsonSchema, body: unknown): fc.Arbitrary<Mutation> {
  const fixed = mutationsOf(schema, body);
  const stringSlots = fixed.filter((m) => typeof m.value === 'string').map((m) => m.path.join('\u0001'));
  const numberSlots = fixed.filter((m) => typeof m.value === 'number').map((m) => m.path.join('\u0001'));
  const random: fc.Arbitrary<Mutation>[] = [];
  if (stringSlots.length) random.push(fc.tuple(fc.constantFrom(...new Set(stringSlots)), anyText).map(([slot, value]) => ({ path: slot.split('\u0001').map((s) => (/^\d+$/.test(s) ? Number(s) : s)), value, kind: 'random text' })));
  if (numberSlots.length) random.push(fc.tuple(fc.constantFrom(...new Set(numberSlots)), anyNumber).map(([slot, value]) => ({ path: slot.split('\u0001').map((s) => (/^\d+$/.test(s) ? Number(s) : s)), value, kind: 'random number' })));
  return fc.oneof({ arbitrary: fc.constantFrom(...fixed), weight: 3 }, ...random.map((arbitrary) => ({ arbitrary, weight: 1 })));
}

const operations = w.operations;

const ALWAYS = new Set(['control character U+0', 'lone surrogate', 'number -1', 'number 12.5', 'number 1e+21', 'missing']);
/** One mutation of each always-tried kind per slot. */
function alwaysTried(mutations: Mutation[]): Mutation[] {
  const seen = new Set<string>();
  return mutations.filter((m) => {
    const key = `${m.path.join('.')} ${m.kind}`;
    if (!ALWAYS.has(m.kind) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

describe('a JSON body with one slot spoilt', () => {
  it.each(operations.filter(jsonBodied).map((op) => [op.operationId, op] as const))('%s: no 5xx, a problem naming the field, no write', async (_id, operation) => {
    const schema = jsonBodied(operation) as JsonSchema;
    const fixture = new Fixture(operation);
    const valid = (await fixture.get()).call.body;
    const attempt = (mutation: Mutation) =>
      send(
        operation,
        fixture,
        (call) => ({ url: urlFor(operation, call.params), contentType: 'application/json', payload: JSON.stringify(applyMutation(call.body, mutation)) }),
        mutation.kind === 'unknown field' || mutation.kind === 'prototype pollution' ? undefined : mutation.path.filter((step) => typeof step === 'string').at(-1),
      );
    // The classic failures, in every slot, every run; then a random sample of everything else.
    for (const mutation of alwaysTried(mutationsOf(schema, valid))) await attempt(mutation);
    await fc.assert(
      fc.asyncProperty(mutationArbitrary(schema, valid), attempt),
      { numRuns: RUNS_PER_OPERATION },
    );
  });
});

describe('a body that is no JSON object, or no JSON at all', () => {
  it.each(operations.filter(jsonBodied).map((op) => [op.operationId, op] as const))('%s: a 4xx problem for each, no write', async (_id, operation) => {
    const fixture = new Fixture(operation);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...BROKEN_BODIES), async ([, contentType, payload]) => {
        await send(operation, fixture, (call) => ({ url: urlFor(operation, call.params), contentType, payload }));
      }),
      { numRuns: RUNS_PER_ROUTE_CHEAP },
    );
  });
});

describe('a CSV import', () => {
  const HOSTILE_CSV: [string, string, string | Buffer][] = [
    ['NUL in a cell', 'text/csv', 'email,name\na@example.org,A\u0000B\n'],
    ['a lone surrogate', 'text/csv', 'email,name\na@example.org,A\ud800\n'],
    ['an unbalanced quote', 'text/csv', 'email,name\n"a@example.org,A\n'],
    ['no header', 'text/csv', 'a@example.org,A\n'],
    ['only a header', 'text/csv', 'email,name\n'],
    ['an empty file', 'text/csv', ''],
    ['binary garbage', 'text/csv', Buffer.from([0x00, 0xff, 0xfe, 0x89, 0x50, 0x4e, 0x47])],
    ['a huge cell', 'text/csv', `email,name,amount\na@example.org,${'x'.repeat(100_000)},1\n`],
    ['an amount in fractions of a cent', 'text/csv', 'email,amount\na@example.org,12.345\n'],
    ['a negative amount', 'text/csv', 'email,amount\na@example.org,-12\n'],
    ['an amount of 1e300', 'text/csv', 'email,amount\na@example.org,1e300\n'],
    ['CSV sent as JSON', 'application/json', '{"email":"a@example.org"}'],
    ['a file over the limit', 'text/csv', `email,name\n${'b@example.org,B\n'.repeat(80_000)}`],
  ];
  it.each(operations.filter(csvBodied).map((op) => [op.operationId, op] as const))('%s: a 4xx problem or an honest success for each, never a 5xx', async (_id, operation) => {
    const fixture = new Fixture(operation);
    for (const [, contentType, payload] of HOSTILE_CSV) {
      await send(operation, fixture, (call) => ({ url: urlFor(operation, call.params), contentType, payload }));
    }
  });
});

describe('hostile path parameters', () => {
  const withPath = operations.filter((op) => op.path.includes('{'));
  it.each(withPath.map((op) => [op.operationId, op] as const))('%s: a 4xx problem for each, no write', async (_id, operation) => {
    const fixture = new Fixture(operation);
    const names = [...operation.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), fc.constantFrom(...HOSTILE_IDS), async (name, hostile) => {
        await send(operation, fixture, (call) => ({
          url: urlFor(operation, { ...call.params, [name]: hostile }),
          ...(call.raw ? { contentType: call.raw.contentType, payload: call.raw.payload } : call.body !== undefined ? { contentType: 'application/json', payload: JSON.stringify(call.body) } : {}),
        }));
      }),
      { numRuns: RUNS_PER_ROUTE_CHEAP },
    );
  });
});

describe('hostile query parameters', () => {
  const withQuery = operations.filter((op) => (described(op).parameters ?? []).some((p) => p.in === 'query'));
  it.each(withQuery.map((op) => [op.operationId, op] as const))('%s: no 5xx, a problem naming the parameter, no write', async (_id, operation) => {
    const fixture = new Fixture(operation);
    const hostile = (described(operation).parameters ?? [])
      .filter((p) => p.in === 'query')
      .flatMap((p) => hostileValues(p.schema, '').map((value) => [p.name, typeof value === 'string' ? value : JSON.stringify(value)] as const))
      .filter(([, text]) => text !== undefined && text.length <= 10_000);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...hostile), async ([name, text]) => {
        await send(operation, fixture, (call) => ({ url: urlFor(operation, call.params), query: { ...call.query, [name]: text } }), name);
      }),
      { numRuns: RUNS_PER_QUERY },
    );
  });
});

describe('the generator itself', () => {
  it('spoils every slot of a body in every way it knows', () => {
    const schema: JsonSchema = { type: 'object', properties: { amountCents: { type: 'integer', minimum: 0 }, reason: { type: 'string', maxLength: 10 } }, required: ['amountCents'] };
    const kinds = mutationsOf(schema, { amountCents: 5, reason: 'ok' }).map((m) => `${m.path.join('.')}: ${m.kind}`);
    expect(kinds).toEqual(expect.arrayContaining(['amountCents: number 12.5', 'amountCents: number -1', 'amountCents: missing', 'reason: control character U+0', 'reason: lone surrogate', 'reason: string of 200000', 'unexpectedField: unknown field']));
  });
});
