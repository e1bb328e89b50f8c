import { z } from 'zod';

/** The channel every instance LISTENs on. */
export const LIVE_CHANNEL = 'cagnotte_live';

/** PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more; stay well under. */
export const MAX_NOTICE_BYTES = 7_800;

/** What one instance tells the others: ids only, never state (they read the rows themselves). */
export type LiveNotice =
  | { kind: 'changes'; instanceId: string; roundId: string; bucketIds: string[]; membershipIds: string[]; round: boolean }
  | { kind: 'revoke'; instanceId: string; projectorLinkId: string };

// Compact on the wire: every byte counts against the payload limit.
const Wire = z.union([
  z.object({ i: z.string(), r: z.string(), b: z.array(z.string()), m: z.array(z.string()), p: z.union([z.literal(0), z.literal(1)]) }),
  z.object({ i: z.string(), x: z.string() }),
]);

const bytes = (value: string) => Buffer.byteLength(value, 'utf8');

/**
 * The NOTIFY payloads for one round's changes: as few as possible, each under the limit. The
 * round flag travels in the first one only.
 */
export function encodeChanges(instanceId: string, change: { roundId: string; bucketIds: Iterable<string>; membershipIds: Iterable<string>; round: boolean }): string[] {
  const ids = [...[...change.bucketIds].map((id) => ['b', id] as const), ...[...change.membershipIds].map((id) => ['m', id] as const)];
  const payloads: string[] = [];
  let chunk = { i: instanceId, r: change.roundId, b: [] as string[], m: [] as string[], p: (change.round ? 1 : 0) as 0 | 1 };
  let size = bytes(JSON.stringify(chunk));
  for (const [list, id] of ids) {
    const cost = bytes(JSON.stringify(id)) + 1;
    if (size + cost > MAX_NOTICE_BYTES && chunk.b.length + chunk.m.length > 0) {
      payloads.push(JSON.stringify(chunk));
      chunk = { i: instanceId, r: change.roundId, b: [], m: [], p: 0 };
      size = bytes(JSON.stringify(chunk));
    }
    chunk[list].push(id);
    size += cost;
  }
  if (chunk.b.length + chunk.m.length > 0 || chunk.p === 1) payloads.push(JSON.stringify(chunk));
  return payloads;
}

export function encodeRevoke(instanceId: string, projectorLinkId: string): string {
  return JSON.stringify({ i: instanceId, x: projectorLinkId });
}

/** Undefined for anything that is not one of ours. */
export function decodeNotice(payload: string): LiveNotice | undefined {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const parsed = Wire.safeParse(json);
  if (!parsed.success) return undefined;
  const wire = parsed.data;
  if ('x' in wire) return { kind: 'revoke', instanceId: wire.i, projectorLinkId: wire.x };
  return { kind: 'changes', instanceId: wire.i, roundId: wire.r, bucketIds: wire.b, membershipIds: wire.m, round: wire.p === 1 };
}
