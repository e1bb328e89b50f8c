import type { z } from 'zod';
import type { LiveBoard, Me, OpenProjectorSession, Problem, ProjectorSessionOpened, SessionOpened } from '@cagnotte/shared';

/** A refusal from the API, carrying its problem details (RFC 9457). */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }

  get status(): number {
    return this.problem.status;
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json();
  if (!response.ok) throw new ApiError(payload as Problem);
  return payload as T;
}

export const api = {
  requestMagicLink: (email: string) => call<{ sent: true }>('POST', '/api/auth/magic-link', { email }),
  openSession: (token: string) => call<SessionOpened>('POST', '/api/auth/session', { token }),
  me: () => call<Me>('GET', '/api/auth/me'),
  signOut: () => call<void>('DELETE', '/api/auth/session'),
  /** Exchanges a projector link's secret for a read-only session cookie on its round. */
  openProjectorSession: (body: z.input<typeof OpenProjectorSession>) => call<ProjectorSessionOpened>('POST', '/api/projector/session', body),
  board: (roundId: string) => call<LiveBoard>('GET', `/api/rounds/${encodeURIComponent(roundId)}/board`),
};
