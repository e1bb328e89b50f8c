import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

export type SecurityHeaders = { set: [name: string, value: string][]; removed: string[] };

/**
 * The headers helmet sets for these options, computed once by running helmet's own middleware
 * against a response that records them. @fastify/helmet rebuilt the middleware, and parsed the
 * CSP directives again, on every request (issue 12's profile); with no per-request input
 * (no nonces, no functions among the directives) the result is always the same.
 */
export function securityHeaders(options: HelmetOptions): SecurityHeaders {
  const set: [string, string][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => set.push([name.toLowerCase(), String(value)]),
    removeHeader: (name: string) => removed.push(name.toLowerCase()),
  };
  let failure: unknown;
  // helmet's middleware is synchronous: it has called back before it returns.
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  if (failure) throw failure;
  return { set, removed };
}

/** Every reply (errors, 404s, static files included) carries them, as with @fastify/helmet. */
export function registerSecurityHeaders(app: FastifyInstance, options: HelmetOptions): void {
  const { set, removed } = securityHeaders(options);
  app.addHook('onRequest', (_request, reply, done) => {
    const raw = reply.raw;
    for (const name of removed) raw.removeHeader(name);
    for (const [name, value] of set) raw.setHeader(name, value);
    done();
  });
}
