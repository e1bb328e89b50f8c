import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/** A request slower than this is logged as a warning, so that `LOG_LEVEL=warn` still shows it. */
export const SLOW_REQUEST_MS = 1_000;

/**
 * One log line per request, once it is answered: what was asked (`req`, credentials censored
 * by the app's serializer), the status and the time taken. Fastify's default is two lines,
 * `incoming request` and `request completed`, each a write to the log — a third of the cost of
 * a 404 (issue 12). Server errors are logged as errors and slow requests as warnings; an
 * unhandled error also has its own line from the error handler, with the error.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  /** The completed line names the path and its 404 already. */
  override routeNotFound(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else if (reply.statusCode >= 500) reply.log.error(line, 'request completed');
    else if (line.responseTime > SLOW_REQUEST_MS) reply.log.warn(line, 'request completed');
    else reply.log.info(line, 'request completed');
  }
}
