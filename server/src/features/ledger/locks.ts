import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';

// One advisory key per round, cagnotte_round_lock_key() (migrations/0007_money_rules.sql), the
// same function cagnotte_apply_allocation() calls. Allocations take it shared; whatever moves
// money in bulk (close, settlement, returning a bucket's money) takes it exclusively, so it
// waits for the allocations in flight and no allocation starts meanwhile. A hash collision
// between rounds only costs a wait.
const roundKey = (roundId: string) => sql`cagnotte_round_lock_key(${roundId}::uuid)`;

export async function lockRoundShared(tx: Executor, roundId: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock_shared(${roundKey(roundId)})`);
}

export async function lockRoundExclusive(tx: Executor, roundId: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${roundKey(roundId)})`);
}
