import { describe, expect, it } from 'vitest';
import { LiveCloseCode, LiveCloseReason, liveEndOf } from './live.ts';

describe('live close reasons', () => {
  it('tells a revoked projector link from another ended session, and a reconnectable close from both', () => {
    expect(liveEndOf({ code: LiveCloseCode.sessionEnded, reason: LiveCloseReason.projectorLinkRevoked })).toBe('link_revoked');
    expect(liveEndOf({ code: LiveCloseCode.sessionEnded, reason: LiveCloseReason.sessionEnded })).toBe('session_ended');
    expect(liveEndOf({ code: LiveCloseCode.tooSlow, reason: LiveCloseReason.tooSlow })).toBeNull();
  });
});
