import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { Problem } from '@cagnotte/shared';
import { AppError } from '../domain/errors.ts';

type PgError = { code?: string; constraint?: string; detail?: string };

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '08006', '08001', '08003']);
/** node-postgres's own errors when a connection dies under a query or does not open in time: no code. */
const CONNECTION_LOST = /^(Connection terminated|timeout exceeded when trying to connect)/;

type ProblemInput = { title: string; status: number; code: string; detail?: string; errors?: Problem['errors']; [extra: string]: unknown };

function send(reply: FastifyReply, request: FastifyRequest, problem: ProblemInput) {
  const body: Problem = { type: `/problems/${problem.code.replace(/_/g, '-')}`, ...problem, requestId: request.id };
  return reply.code(problem.status).type('application/problem+json').send(body);
}

export function problemFromError(error: unknown): ProblemInput | undefined {
  if (error instanceof AppError) {
    // Extras come first so that they can never overwrite the problem's own fields.
    return { ...error.extra, title: error.title, status: error.status, code: error.code, detail: error.message };
  }
  // drizzle wraps the driver's error; its `cause` carries PostgreSQL's code.
  const pg = ((error as { cause?: unknown })?.cause ?? error) as PgError;
  if (pg && typeof pg.code === 'string') {
    if (pg.code === '23505') {
      return { title: 'Conflict', status: 409, code: 'already_exists', detail: 'This already exists.' };
    }
    if (pg.code === '23503') {
      return { title: 'Conflict', status: 409, code: 'still_referenced', detail: 'This refers to, or is referred to by, something else.' };
    }
    if (pg.code === '23514') {
      return { title: 'Conflict', status: 409, code: 'constraint_violated', detail: `A rule of the data was broken (${pg.constraint ?? 'check'}).` };
    }
    // Text PostgreSQL cannot store (U+0000, or bytes the encoding lacks) that got past the
    // text guard: the client's input, so a 400, never a 500.
    if (pg.code === '22021' || pg.code === '22P05') {
      return { title: 'Invalid input', status: 400, code: 'invalid_text', detail: 'The text contains a character that cannot be stored (such as U+0000).' };
    }
    if (pg.code === '40P01' || pg.code === '40001') {
      return { title: 'Try again', status: 409, code: 'concurrent_update', detail: 'Another change happened at the same time; try again.' };
    }
    if (CONNECTION_ERRORS.has(pg.code)) {
      return { title: 'Service unavailable', status: 503, code: 'database_unavailable', detail: 'The database cannot be reached; try again shortly.' };
    }
  }
  if (pg instanceof Error && pg.code === undefined && CONNECTION_LOST.test(pg.message)) {
    return { title: 'Service unavailable', status: 503, code: 'database_unavailable', detail: 'The database cannot be reached; try again shortly.' };
  }
  return undefined;
}

/** A route's path as a pattern matching the paths it serves (`:id` is one segment). */
function pathPattern(url: string): RegExp {
  const segments = url.split('/').map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${segments.join('/')}/?$`);
}

/**
 * The first two segments of a path (`/api/rounds`): the routes are filed under them, so that a
 * 404 tests the patterns of its own family only, not all of them (issue 12: testing every route
 * was a tenth of the CPU of a 404). A route with a parameter there is filed under `*`.
 */
function familyOf(path: string): string {
  return path.split('/', 3).join('/');
}

export function registerErrorHandling(app: FastifyInstance): void {
  // Every route's methods by path, to tell an unknown path (404) from an unsupported method (405).
  const routes = new Map<string, { pattern: RegExp; methods: string[] }[]>();
  app.addHook('onRoute', (route) => {
    // The SPA's fallback (`/*`) serves any path; it says nothing about which methods a path has.
    if (route.url.includes('*')) return;
    const family = familyOf(route.url).includes(':') ? '*' : familyOf(route.url);
    routes.set(family, [...(routes.get(family) ?? []), { pattern: pathPattern(route.url), methods: [route.method].flat() }]);
  });
  const allowedMethods = (path: string) => {
    const candidates = [...(routes.get(familyOf(path)) ?? []), ...(routes.get('*') ?? [])];
    return [...new Set(candidates.filter((r) => r.pattern.test(path)).flatMap((r) => r.methods))].sort();
  };

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const errors = error.validation.map((issue) => ({
        path: [error.validationContext, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
        message: issue.message ?? 'is invalid',
      }));
      return send(reply, request, {
        title: 'Invalid input',
        status: 400,
        code: 'validation_failed',
        detail: errors.map((e) => `${e.path}: ${e.message}`).join('; '),
        errors,
      });
    }
    const known = problemFromError(error);
    if (known) {
      if (known.status >= 500) request.log.warn({ err: error }, 'dependency unavailable');
      return send(reply, request, known);
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code =
        status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : status === 429 ? 'rate_limited' : 'bad_request';
      return send(reply, request, { title: error.name === 'Error' ? 'Bad request' : error.name, status, code, detail: error.message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(reply, request, { title: 'Internal error', status: 500, code: 'internal', detail: 'Something went wrong on our side.' });
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = allowedMethods(path);
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return send(reply, request, {
        title: 'Method not allowed',
        status: 405,
        code: 'method_not_allowed',
        detail: `${path} answers ${allowed.join(', ')}, not ${request.method}.`,
      });
    }
    return send(reply, request, { title: 'Not found', status: 404, code: 'not_found', detail: `No route ${request.method} ${path}.` });
  });
}

/**
 * What the router refuses before any route runs (a URL that does not decode, a parameter past
 * the router's length limit): a problem too, not Fastify's own JSON.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  return send(reply, request, {
    title: tooLong ? 'URI too long' : 'Bad request',
    status: tooLong ? 414 : 400,
    code: tooLong ? 'uri_too_long' : 'bad_url',
    detail: tooLong ? 'A parameter of this URL is too long.' : 'This URL does not decode (a malformed percent-encoding).',
  });
}
