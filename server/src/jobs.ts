import type { FastifyBaseLogger } from 'fastify';
import { problemFromError } from './http/error-handler.ts';

export type Job = { name: string; run: () => Promise<void> };

const databaseUnavailable = (error: unknown) => problemFromError(error)?.code === 'database_unavailable';

/**
 * Work every instance attempts every few seconds: scheduled phase changes, closes, reminders,
 * the e-mail queue. Each job must be safe to run on several instances at once (conditional
 * updates, SKIP LOCKED); one failing job does not stop the others. While the database is
 * down, each job says so once, not every few seconds, and says when it runs again.
 */
export function makeJobs(log: FastifyBaseLogger) {
  const jobs: Job[] = [];
  const waiting = new Set<string>();
  return {
    add: (name: string, run: () => Promise<void>) => void jobs.push({ name, run }),
    runDue: async () => {
      for (const job of jobs) {
        try {
          await job.run();
          if (waiting.delete(job.name)) log.info({ job: job.name }, 'scheduled job runs again: the database is back');
        } catch (error) {
          if (!databaseUnavailable(error)) {
            log.error({ err: error, job: job.name }, 'scheduled job failed');
          } else if (!waiting.has(job.name)) {
            waiting.add(job.name);
            log.warn({ err: error, job: job.name }, 'scheduled job waits: the database cannot be reached');
          }
        }
      }
    },
  };
}

export type Jobs = ReturnType<typeof makeJobs>;
