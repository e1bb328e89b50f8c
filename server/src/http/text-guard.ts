import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.ts';

/**
 * PostgreSQL cannot store U+0000 in text (SQLSTATE 22021), and node-postgres silently turns a
 * lone UTF-16 surrogate into U+FFFD: neither should reach a query. One check on every request,
 * after parsing and before validation, names the first offending field (or the line of a CSV
 * body); the error handler maps 22021 and 22P05 to a 400 as the last guard.
 */
// With the `u` flag a surrogate pair is one code point, so only lone surrogates match.
// eslint-disable-next-line no-control-regex -- matching U+0000 is the point
const UNSTORABLE = /[\u0000\p{Cs}]/u;

type Found = { path: string; message: string };

function describe(value: string): string {
  const char = UNSTORABLE.exec(value)?.[0] ?? '';
  return char === '\u0000' ? 'must not contain the NUL character (U+0000)' : 'must not contain a lone UTF-16 surrogate';
}

function find(value: unknown, path: string[], depth = 0): Found | undefined {
  if (typeof value === 'string') {
    if (!UNSTORABLE.test(value)) return undefined;
    return { path: path.join('.'), message: describe(value) };
  }
  // Deeper than any schema we accept: validation will refuse it anyway.
  if (depth > 32 || value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (UNSTORABLE.test(key)) return { path: [...path, key].join('.'), message: 'field names ' + describe(key) };
    const found = find(item, [...path, key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** A CSV body is one string: name the line (the header is line 1) rather than the whole body. */
function inText(text: string): Found | undefined {
  const match = UNSTORABLE.exec(text);
  if (!match) return undefined;
  const line = text.slice(0, match.index).split('\n').length;
  return { path: 'body', message: `line ${line} ${describe(match[0])}` };
}

export function findUnstorableText(request: Pick<FastifyRequest, 'body' | 'query' | 'params'>): Found | undefined {
  return (
    (typeof request.body === 'string' ? inText(request.body) : find(request.body, ['body'])) ??
    find(request.query, ['querystring']) ??
    find(request.params, ['params'])
  );
}

export function registerTextGuard(app: FastifyInstance): void {
  // A callback hook, not an async one: every request runs it, and it has nothing to wait for.
  app.addHook('preValidation', (request, _reply, done) => {
    const found = findUnstorableText(request);
    done(found && new AppError(400, 'validation_failed', 'Invalid input', `${found.path}: ${found.message}`, { errors: [found] }));
  });
}
