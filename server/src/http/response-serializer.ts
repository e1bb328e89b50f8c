import fastJson from 'fast-json-stringify';
import { z } from 'zod';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';

type Serialize = (data: unknown) => string;
type RouteSchema = Parameters<FastifySerializerCompiler<unknown>>[0];

/**
 * A reply's JSON, written by a function compiled (fast-json-stringify) from the JSON Schema of
 * the route's own zod response schema, instead of zod encoding every reply before
 * `JSON.stringify`: that was about 9 µs of `GET /api/auth/me` (issue 12, target 2). For a reply
 * that matches its schema the text is the same: keys the schema does not name are left out, as
 * zod strips them. The handlers' return types come from the same schemas, so TypeScript checks
 * at compile time what zod re-checked on every reply. A schema JSON Schema cannot express
 * (a transform, a date) keeps zod's serializer.
 *
 * Compiled on a route's first reply of each status, not at start-up: most routes answer few of
 * their statuses, and compiling them all would slow the start (issue 12, target 5).
 */
export const responseSerializerCompiler: FastifySerializerCompiler<unknown> = (route) => {
  if (!(route.schema instanceof z.ZodType)) return zodSerializerCompiler(route as Parameters<typeof zodSerializerCompiler>[0]);
  let serialize: Serialize | undefined;
  return (data) => (serialize ??= compile(route))(data);
};

function compile(route: RouteSchema): Serialize {
  const schema = route.schema as z.ZodType;
  try {
    return fastJson(z.toJSONSchema(schema, { io: 'output', target: 'draft-7', unrepresentable: 'throw' }) as object);
  } catch {
    return zodSerializerCompiler({ ...route, schema } as Parameters<typeof zodSerializerCompiler>[0]);
  }
}
