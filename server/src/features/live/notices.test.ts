import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeNotice, encodeChanges, encodeRevoke, MAX_NOTICE_BYTES } from './notices.ts';

const instanceId = randomUUID();
const roundId = randomUUID();
const ids = (n: number) => Array.from({ length: n }, () => randomUUID());

describe('live notices', () => {
  it('fits a few changes of a round in one payload that decodes back', () => {
    const bucketIds = ids(3);
    const membershipIds = ids(2);
    const payloads = encodeChanges(instanceId, { roundId, bucketIds, membershipIds, round: true });
    expect(payloads).toHaveLength(1);
    expect(decodeNotice(payloads[0] as string)).toEqual({ kind: 'changes', instanceId, roundId, bucketIds, membershipIds, round: true });
  });

  it('splits many ids into payloads under the 8,000-byte limit, losing none', () => {
    const bucketIds = ids(400);
    const membershipIds = ids(300);
    const payloads = encodeChanges(instanceId, { roundId, bucketIds, membershipIds, round: true });
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(MAX_NOTICE_BYTES);
    const decoded = payloads.map((p) => decodeNotice(p));
    const changes = decoded.flatMap((d) => (d?.kind === 'changes' ? [d] : []));
    expect(changes.flatMap((d) => d.bucketIds)).toEqual(bucketIds);
    expect(changes.flatMap((d) => d.membershipIds)).toEqual(membershipIds);
    expect(changes.filter((d) => d.round)).toHaveLength(1);
  });

  it('still announces a round-only change', () => {
    const payloads = encodeChanges(instanceId, { roundId, bucketIds: [], membershipIds: [], round: true });
    expect(payloads.map(decodeNotice)).toEqual([{ kind: 'changes', instanceId, roundId, bucketIds: [], membershipIds: [], round: true }]);
  });

  it('sends nothing when nothing changed', () => {
    expect(encodeChanges(instanceId, { roundId, bucketIds: [], membershipIds: [], round: false })).toEqual([]);
  });

  it('carries a projector link revocation', () => {
    const linkId = randomUUID();
    expect(decodeNotice(encodeRevoke(instanceId, linkId))).toEqual({ kind: 'revoke', instanceId, projectorLinkId: linkId });
  });

  it('ignores payloads that are not ours', () => {
    expect(decodeNotice('not json')).toBeUndefined();
    expect(decodeNotice('{"hello":1}')).toBeUndefined();
  });
});
