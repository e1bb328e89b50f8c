import { z } from 'zod';
import { Problem } from '@cagnotte/shared';

/** A refusal from the API, carrying its problem details (RFC 9457). */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }

  get status(): number {
    return this.problem.status;
  }

  get code(): string {
    return this.problem.code;
  }
}

/** Any problem body: `errors` is a list of fields for a 400 of validation, of lines for a refused import. */
const AnyProblem = Problem.omit({ errors: true }).catchall(z.unknown());

/** No reply at all (offline, server down): status 0, so callers can tell it from a refusal. */
function unreachable(): ApiError {
  return new ApiError({ type: 'about:blank', title: 'Network error', status: 0, code: 'network_error' });
}

export type RequestOptions = {
  body?: unknown;
  /** Sent as is (e.g. text/csv); `body` is JSON otherwise. */
  rawBody?: { contentType: string; text: string };
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  signal?: AbortSignal;
};

/** Listeners told when any call answers 401: the session is over. */
const unauthorisedListeners = new Set<() => void>();
export function onUnauthorised(listener: () => void): () => void {
  unauthorisedListeners.add(listener);
  return () => unauthorisedListeners.delete(listener);
}

function url(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options.headers };
  let body: string | undefined;
  if (options.rawBody) {
    headers['content-type'] = options.rawBody.contentType;
    body = options.rawBody.text;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(url(path, options.query), { method, credentials: 'same-origin', headers, body, signal: options.signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw unreachable();
  }
  if (response.ok) return response;
  const payload: unknown = await response.json().catch(() => null);
  const parsed = AnyProblem.safeParse(payload);
  const problem = parsed.success ? parsed.data : { type: 'about:blank', title: response.statusText || 'Error', status: response.status, code: 'http_error' };
  if (response.status === 401) for (const listener of unauthorisedListeners) listener();
  throw new ApiError(problem);
}

/**
 * The one way the client calls the API: the reply is parsed with the shared schema, so a server
 * change that breaks the client fails loudly here, not silently in a component.
 */
export async function request<S extends z.ZodType>(schema: S, method: string, path: string, options: RequestOptions = {}): Promise<z.output<S>> {
  const response = await send(method, path, options);
  return schema.parse(response.status === 204 ? undefined : await response.json());
}

/** For replies without a body (204). */
export async function requestNothing(method: string, path: string, options: RequestOptions = {}): Promise<void> {
  await send(method, path, options);
}

/** A path with each parameter encoded: `path\`/api/rounds/${id}\``. */
export function path(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce((out, part, i) => out + part + (i < values.length ? encodeURIComponent(values[i] ?? '') : ''), '');
}

/** A fresh key for one intended change; reuse it for every retry of that change. */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}
