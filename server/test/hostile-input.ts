import fc from 'fast-check';

/**
 * Hostile input for a request, derived from the JSON Schema that the shared zod schemas become
 * in the OpenAPI document (fast-check has no zod bridge; this reads just the keywords our
 * schemas use). A mutation takes a valid request and spoils one slot of it, in the ways clients
 * and attackers do: wrong types, impossible amounts, control characters, lone surrogates,
 * overlong text, unknown fields, a missing field.
 */
export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  pattern?: string;
};

export type Path = (string | number)[];

/** One spoilt slot: where, what was put there (or removed), and a name for the report. */
export type Mutation = { path: Path; value?: unknown; remove?: true; kind: string };

const CONTROL = ['\u0000', '\u0001', '\u0007', '\u0008', '\u000b', '\u001b', '\u007f', '\u0085', '\u2028', '\u200b', '\u202e', '\ufeff', '\uffff'];
const SURROGATES = ['\ud800', '\udfff', '\udc00x', 'x\ud83d'];

const withInside = (text: string, inserted: string) => `${text.slice(0, 1)}${inserted}${text.slice(1)}`;

/** Values of the wrong JSON type for a slot of this schema. */
function wrongTypes(schema: JsonSchema): unknown[] {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const all: unknown[] = [null, true, 0, 1.5, '', '0', 'true', [], {}, ['x'], { a: 1 }];
  return all.filter((value) => {
    if (value === null) return !(schema.anyOf ?? []).some((s) => s.type === 'null');
    if (type === 'string') return typeof value !== 'string';
    if (type === 'integer' || type === 'number') return typeof value !== 'number';
    if (type === 'boolean') return typeof value !== 'boolean';
    if (type === 'array') return !Array.isArray(value);
    if (type === 'object') return typeof value !== 'object' || Array.isArray(value);
    return true;
  });
}

function hostileNumbers(schema: JsonSchema): unknown[] {
  const values: unknown[] = [-1, -0.5, 0.5, 12.5, 1e-7, 1e21, 2 ** 53, 2 ** 53 + 2, 2 ** 63, -(2 ** 63), Number.MAX_VALUE, -Number.MAX_VALUE];
  if (schema.minimum !== undefined) values.push(schema.minimum - 1);
  if (schema.maximum !== undefined) values.push(schema.maximum + 1);
  return values;
}

function hostileStrings(schema: JsonSchema, current: unknown): unknown[] {
  const base = typeof current === 'string' && current.length > 0 ? current : 'valid';
  const max = schema.maxLength ?? 1000;
  const values: unknown[] = [
    ...CONTROL.map((c) => withInside(base, c)),
    ...SURROGATES.map((s) => withInside(base, s)),
    'x'.repeat(max + 1),
    'é'.repeat(max + 1),
    '😀'.repeat(Math.ceil((max + 1) / 2) + 1),
    'x'.repeat(200_000),
    '   ',
    '',
    '\u0000',
    `${base}'); DROP TABLE people; --`,
    '=HYPERLINK("http://evil.example")',
    '<script>alert(1)</script>',
  ];
  if (schema.format === 'uuid') values.push('not-a-uuid', '00000000-0000-0000-0000-000000000000', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', `${crypto.randomUUID()}x`, crypto.randomUUID().toUpperCase());
  if (schema.format === 'date-time' || schema.pattern?.includes('\\d{4}')) {
    values.push('2026-01-01T00:00:00-16:00', '2026-01-01T00:00:00+23:59', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2026-02-30T10:00:00Z', '2026-13-01T10:00', '2026-01-01T24:00:00Z', '+275760-09-13T00:00:00Z', '2026-01-01');
  }
  if (schema.format === 'email') values.push('a@b', 'x@example.org\u0000', `${'a'.repeat(250)}@example.org`, 'UPPER@EXAMPLE.ORG', ' a@example.org', 'a@example.org,b@example.org');
  if (schema.format === 'uri') values.push('javascript:alert(1)', 'http://', 'file:///etc/passwd', `https://example.org/${'a'.repeat(3000)}`);
  return values;
}

/** Every hostile value for one slot: of the wrong type, or of its type and nasty. */
export function hostileValues(schema: JsonSchema, current: unknown): unknown[] {
  const type = Array.isArray(schema.type) ? schema.type[0] : (schema.type ?? schema.anyOf?.find((s) => s.type !== 'null')?.type);
  const values = wrongTypes({ ...schema, type });
  if (type === 'integer' || type === 'number') values.push(...hostileNumbers(schema));
  if (type === 'string' || schema.enum) values.push(...hostileStrings(schema, current));
  if (schema.enum) values.push('unknown-value', String(schema.enum[0]).toUpperCase());
  if (type === 'array') {
    const one = Array.isArray(current) && current.length > 0 ? current[0] : null;
    values.push(Array.from({ length: (schema.maxItems ?? 100) + 1 }, () => one), [null], [one, { surprise: true }]);
  }
  if (type === 'boolean') values.push('yes', 1, 'false');
  return values;
}

/** The schema of the slot at `path`, as far as the schema says. */
function schemaAt(schema: JsonSchema, path: Path): JsonSchema {
  let at: JsonSchema | undefined = schema;
  for (const step of path) {
    const object: JsonSchema | undefined = at?.anyOf ? (at.anyOf.find((s) => s.type !== 'null') ?? at) : at;
    at = typeof step === 'number' ? object?.items : object?.properties?.[step];
  }
  return at ?? {};
}

/** The slots of a request body worth spoiling: its own leaves and every property the schema knows. */
function slotsOf(schema: JsonSchema, body: unknown, prefix: Path = []): Path[] {
  const slots: Path[] = [];
  const object = schema.anyOf ? (schema.anyOf.find((s) => s.type === 'object') ?? schema) : schema;
  if (object.properties) {
    for (const [name, property] of Object.entries(object.properties)) {
      const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
      slots.push([...prefix, name]);
      if (Array.isArray(value) && property.items && value.length > 0) slots.push(...slotsOf(property.items, value[0], [...prefix, name, 0]));
    }
  }
  return slots;
}

/** All hostile mutations of a valid body: each slot spoilt in each way, a field removed, one added. */
export function mutationsOf(schema: JsonSchema, body: unknown): Mutation[] {
  const mutations: Mutation[] = [];
  const required = new Set(schema.required ?? []);
  for (const path of slotsOf(schema, body)) {
    const slot = schemaAt(schema, path);
    const current = valueAt(body, path);
    for (const value of hostileValues(slot, current)) mutations.push({ path, value, kind: describe(value) });
    if (path.length === 1 && required.has(String(path[0]))) mutations.push({ path, remove: true, kind: 'missing' });
  }
  mutations.push({ path: ['unexpectedField'], value: 'surprise', kind: 'unknown field' });
  mutations.push({ path: ['__proto__'], value: { admin: true }, kind: 'prototype pollution' });
  mutations.push({ path: ['constructor'], value: { prototype: { admin: true } }, kind: 'prototype pollution' });
  return mutations;
}

/** The mutations as an arbitrary, so fast-check draws (and shrinks to) the ones that fail. */
export function mutationArbitrary(schema: JsonSchema, body: unknown): fc.Arbitrary<Mutation> {
  return fc.constantFrom(...mutationsOf(schema, body));
}

export function applyMutation(body: unknown, mutation: Mutation): unknown {
  const copy: unknown = structuredClone(body ?? {});
  const root = copy && typeof copy === 'object' ? copy : {};
  let at = root as Record<string | number, unknown>;
  for (const step of mutation.path.slice(0, -1)) {
    const next = at[step];
    if (!next || typeof next !== 'object') at[step] = typeof step === 'number' ? [] : {};
    at = at[step] as Record<string | number, unknown>;
  }
  const last = mutation.path.at(-1) ?? 'x';
  if (mutation.remove) delete at[last];
  else Object.defineProperty(at, last, { value: mutation.value, enumerable: true, writable: true, configurable: true });
  return root;
}

function valueAt(body: unknown, path: Path): unknown {
  let at: unknown = body;
  for (const step of path) at = at && typeof at === 'object' ? (at as Record<string | number, unknown>)[step] : undefined;
  return at;
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    if (/[\ud800-\udfff]/.test(value) && !/[\ud800-\udbff][\udc00-\udfff]/.test(value)) return 'lone surrogate';
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f-\u009f\u2028\u200b\u202e\ufeff\uffff]/.test(value)) return `control character U+${value.codePointAt(/[^\w]/.exec(value)?.index ?? 0)?.toString(16)}`;
    if (value.length > 1000) return `string of ${value.length}`;
    return `string ${JSON.stringify(value.slice(0, 40))}`;
  }
  if (typeof value === 'number') return `number ${value}`;
  return `${Array.isArray(value) ? 'array' : typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}

/** Hostile path parameters: each stands where an id goes. */
export const HOSTILE_IDS = [
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '%00',
  '%ED%A0%80',
  '%C0%AF',
  `${'a'.repeat(5000)}`,
  "1'%20OR%20'1'='1",
  '..%2F..%2Fetc%2Fpasswd',
];

/** Whole bodies no client should send: [name, content type, payload]. */
export const BROKEN_BODIES: [string, string, string | Buffer][] = [
  ['truncated JSON', 'application/json', '{"a":'],
  ['JSON with a trailing comma', 'application/json', '{"a":1,}'],
  ['a JSON string', 'application/json', '"hello"'],
  ['a JSON number', 'application/json', '42'],
  ['JSON null', 'application/json', 'null'],
  ['a JSON array', 'application/json', '[{}]'],
  ['an empty JSON body', 'application/json', ''],
  ['invalid UTF-8', 'application/json', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
  ['deeply nested JSON', 'application/json', `${'['.repeat(20_000)}${']'.repeat(20_000)}`],
  ['a body over the 1 MiB limit', 'application/json', `{"a":"${'x'.repeat(1_100_000)}"}`],
  ['JSON sent as text/plain', 'text/plain', '{}'],
  ['a form', 'application/x-www-form-urlencoded', 'a=1&b=2'],
  ['multipart', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n'],
  ['XML', 'application/xml', '<a>1</a>'],
  ['an unknown content type', 'application/x-cagnotte', '{}'],
];
