import type { Executor } from '../../db/client.ts';
import { enqueueMail } from '../../mail/outbox.ts';
import { proposerAddresses } from './queries.ts';

export const bucketUrl = (publicUrl: string, bucketId: string) => `${publicUrl}/buckets/${bucketId}`;

/** Queues one e-mail per accepted proposer of the buckets, in the transaction that decided. */
export async function tellProposers(
  tx: Executor,
  input: { bucketIds: string[]; subject: string; body: (name: string) => string },
): Promise<void> {
  const addresses = await proposerAddresses(tx, input.bucketIds);
  await enqueueMail(tx, addresses.map(({ email, name }) => ({ to: email, subject: input.subject, body: input.body(name) })));
}
