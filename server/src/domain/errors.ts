/**
 * Errors services throw. One handler turns them into RFC 9457 problem details; services know
 * nothing of HTTP beyond the status each kind stands for.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail?: string,
    /** Numbers a client needs to explain the refusal (remaining allowance, room left…). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }
}

export const badRequest = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new AppError(400, code, 'Bad request', detail, extra);

export const unauthorized = (detail = 'Sign in to continue.') =>
  new AppError(401, 'unauthenticated', 'Not signed in', detail);

export const forbidden = (detail = 'Your role does not allow this.', code = 'forbidden') =>
  new AppError(403, code, 'Forbidden', detail);

/** Also what another organisation's data looks like: it does not exist for you. */
export const notFound = (what: string) => new AppError(404, 'not_found', 'Not found', `No such ${what}.`);

export const conflict = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new AppError(409, code, 'Conflict', detail, extra);

export const unprocessable = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new AppError(422, code, 'Unprocessable request', detail, extra);
