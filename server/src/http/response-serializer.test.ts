import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { Me, Problem } from '@cagnotte/shared';
import { responseSerializerCompiler } from './response-serializer.ts';

const route = (schema: z.ZodType) => ({ schema, method: 'GET', url: '/test', httpStatus: '200' });
const compiled = (schema: z.ZodType) => responseSerializerCompiler(route(schema));
const byZod = (schema: z.ZodType) => zodSerializerCompiler(route(schema) as Parameters<typeof zodSerializerCompiler>[0]);

const me = {
  person: { id: '0b9c6d2e-7f5a-4c4e-9f3e-2a1b3c4d5e6f', name: 'Zoé "Z" \u2028 Dupont', email: null, locale: 'fr' },
  memberships: [
    {
      membershipId: '1b9c6d2e-7f5a-4c4e-9f3e-2a1b3c4d5e6f',
      role: 'admin',
      organisation: { id: '2b9c6d2e-7f5a-4c4e-9f3e-2a1b3c4d5e6f', name: 'Coop', slug: 'coop', currency: 'EUR', locale: 'fr', timeZone: 'Europe/Paris' },
    },
  ],
};

describe('replies serialised by a function compiled from the zod schema', () => {
  it('writes the same text as zod for a reply that matches its schema', () => {
    expect(compiled(Me)(me)).toBe(byZod(Me)(me));
    expect(JSON.parse(compiled(Me)(me))).toEqual(me);
  });

  it('leaves out the keys the schema does not name, as zod strips them', () => {
    const withExtra = { ...me, person: { ...me.person, secret: 'x' }, internal: 1 };
    expect(compiled(Me)(withExtra)).toBe(byZod(Me)(me));
  });

  it('keeps the extra fields of a problem, whose schema lets them through', () => {
    const problem = { type: 'about:blank', title: 'Not found', status: 404, code: 'not_found', requestId: 'r1', bucketId: 'b1' };
    expect(JSON.parse(compiled(Problem)(problem))).toEqual(JSON.parse(byZod(Problem)(problem)));
  });

  // The same JSON value; optional keys may come after the required ones.
  it('writes unions, optional and nullable fields as zod does', () => {
    const schema = z.object({
      item: z.discriminatedUnion('kind', [z.object({ kind: z.literal('a'), n: z.number().int() }), z.object({ kind: z.literal('b'), s: z.string().nullable() })]),
      note: z.string().optional(),
      tags: z.array(z.enum(['x', 'y'])),
    });
    for (const value of [{ item: { kind: 'a', n: 3 }, tags: [] }, { item: { kind: 'b', s: null }, note: 'n', tags: ['x', 'y'] }]) {
      expect(JSON.parse(compiled(schema)(value))).toEqual(JSON.parse(byZod(schema)(value)));
    }
  });

  it('refuses a reply without a required field, as zod does', () => {
    const { memberships: _, ...noMemberships } = me;
    expect(() => compiled(Me)(noMemberships)).toThrow();
  });

  it('keeps zod for a schema JSON Schema cannot express, such as a date', () => {
    const schema = z.object({ at: z.date() });
    const value = { at: new Date('2026-12-02T20:00:00Z') };
    expect(compiled(schema)(value)).toBe(byZod(schema)(value));
  });
});
