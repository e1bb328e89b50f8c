import type { FastifyBaseLogger } from 'fastify';

export type Job = { name: string; run: () => Promise<void> };

/**
 * Work every instance attempts every few seconds: scheduled phase changes, closes, reminders,
 * the e-mail queue. Each job must be safe to run on several instances at once (conditional
 * updates, SKIP LOCKED); one failing job does not stop the others.
 */
export function makeJobs(log: FastifyBaseLogger) {
  const jobs: Job[] = [];
  return {
    add: (name: string, run: () => Promise<void>) => void jobs.push({ name, run }),
    runDue: async () => {
      for (const job of jobs) {
        try {
          await job.run();
        } catch (error) {
          log.error({ err: error, job: job.name }, 'scheduled job failed');
        }
      }
    },
  };
}

export type Jobs = ReturnType<typeof makeJobs>;
