import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import type { Db, Executor } from '../db/client.ts';
import { outbox } from '../db/schema.ts';
import type { MailMessage, MailTransport } from './transport.ts';

/** Queue e-mail in the caller's transaction: it leaves only if that transaction commits. */
export async function enqueueMail(tx: Executor, messages: MailMessage | MailMessage[]): Promise<void> {
  const rows = Array.isArray(messages) ? messages : [messages];
  if (rows.length === 0) return;
  await tx.insert(outbox).values(rows);
}

const MAX_ATTEMPTS = 8;

/**
 * Sends what is due, each row locked with SKIP LOCKED so several instances never send one
 * twice. A failed send is retried later with backoff. Times are the database's own clock: the
 * queue is plumbing, not domain time. Returns how many were sent.
 */
export async function drainOutbox(db: Db, transport: MailTransport, batch = 50): Promise<number> {
  let sent = 0;
  for (;;) {
    const done = await db.transaction(async (tx) => {
      const due = await tx
        .select()
        .from(outbox)
        .where(and(isNull(outbox.sentAt), lte(outbox.runAfter, sql`now()`), sql`${outbox.attempts} < ${MAX_ATTEMPTS}`))
        .orderBy(asc(outbox.runAfter))
        .limit(batch)
        .for('update', { skipLocked: true });
      for (const row of due) {
        try {
          await transport.send({ to: row.to, subject: row.subject, body: row.body });
          await tx.update(outbox).set({ sentAt: sql`now()`, attempts: row.attempts + 1 }).where(eq(outbox.id, row.id));
          sent += 1;
        } catch (error) {
          const backoffSeconds = 2 ** row.attempts * 30;
          await tx
            .update(outbox)
            .set({ attempts: row.attempts + 1, lastError: String(error), runAfter: sql`now() + make_interval(secs => ${backoffSeconds})` })
            .where(eq(outbox.id, row.id));
        }
      }
      return due.length < batch;
    });
    if (done) return sent;
  }
}
