import { describe, expect, it } from 'vitest';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OneLinePerRequest, SLOW_REQUEST_MS } from './request-log.ts';

/** The level each answered request is logged at; the line itself is checked by server/test/logs.test.ts. */
function levelOf(reply: { statusCode: number; elapsedTime: number }, error?: Error): string[] {
  const levels: string[] = [];
  const log = Object.fromEntries(['error', 'warn', 'info', 'debug'].map((level) => [level, () => levels.push(level)]));
  new OneLinePerRequest().requestCompleted(error, {} as FastifyRequest, { ...reply, log } as unknown as FastifyReply);
  return levels;
}

describe('one log line per request', () => {
  it('logs an ordinary request at info, a 4xx included', () => {
    expect(levelOf({ statusCode: 200, elapsedTime: 3 })).toEqual(['info']);
    expect(levelOf({ statusCode: 404, elapsedTime: 3 })).toEqual(['info']);
  });

  it('logs a slow request as a warning and a server error as an error, so LOG_LEVEL=warn keeps them', () => {
    expect(levelOf({ statusCode: 200, elapsedTime: SLOW_REQUEST_MS + 1 })).toEqual(['warn']);
    expect(levelOf({ statusCode: 503, elapsedTime: 3 })).toEqual(['error']);
    expect(levelOf({ statusCode: 200, elapsedTime: 3 }, new Error('socket hung up'))).toEqual(['error']);
  });
});
