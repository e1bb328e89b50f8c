import { EmbeddedDatabaseError, startEmbeddedDatabase, type EmbeddedDatabase, type EmbeddedOptions } from './embedded.ts';

export type RestartPolicy = {
  /** How often the postmaster's pid is checked (default 250 ms). */
  checkEveryMs: number;
  /** Wait before the second attempt; doubles after each failure up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failed starts after which we give up (default 8: about half a minute). */
  attempts: number;
};

export type SupervisorOptions = EmbeddedOptions & {
  restart?: Partial<RestartPolicy>;
  /** What the supervisor does and sees (a death, each attempt, a restart): one line each. */
  note: (line: string) => void;
  /** Restarting failed `attempts` times in a row: the caller should exit non-zero. */
  onGiveUp: (error: EmbeddedDatabaseError) => void;
};

export type SupervisedDatabase = EmbeddedDatabase & {
  /** How many times the server was started again after dying. */
  restarts: () => number;
};

const DEFAULTS: RestartPolicy = { checkEveryMs: 250, firstDelayMs: 250, maxDelayMs: 5_000, attempts: 8 };

/**
 * The embedded PostgreSQL, started again when it dies (killed, out of memory, crashed): the
 * app's pool and LISTEN connection then reconnect by themselves, so a newcomer's `npm start`
 * does not stay down answering 503 for ever. A dead postmaster leaves its postmaster.pid
 * behind; `startEmbeddedDatabase` sees that the pid in it is gone, and PostgreSQL replaces the
 * stale file and replays its WAL. Attempts back off (250 ms doubling to 5 s); after `attempts`
 * failures in a row (a port taken meanwhile, a full disk) it gives up through `onGiveUp`.
 */
export async function superviseEmbeddedDatabase(options: SupervisorOptions): Promise<SupervisedDatabase> {
  const policy: RestartPolicy = { ...DEFAULTS, ...options.restart };
  let current = await startEmbeddedDatabase(options);
  let stopped = false;
  let restarts = 0;
  let timer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;

  const watch = () => {
    timer = setTimeout(check, policy.checkEveryMs);
    timer.unref();
  };

  function check(): void {
    timer = undefined;
    if (stopped) return;
    if (current.alive()) return watch();
    options.note(`The embedded PostgreSQL (pid ${current.pid}) is gone; starting it again.`);
    restarting = restart().finally(() => (restarting = undefined));
  }

  async function restart(): Promise<void> {
    let delay = policy.firstDelayMs;
    for (let attempt = 1; !stopped; attempt++) {
      try {
        const next = await startEmbeddedDatabase(options);
        if (stopped) {
          await next.stop();
          return;
        }
        current = next;
        restarts += 1;
        options.note(`The embedded PostgreSQL runs again (pid ${next.pid}, attempt ${attempt}).`);
        watch();
        return;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (attempt >= policy.attempts) {
          options.onGiveUp(
            new EmbeddedDatabaseError(`The embedded PostgreSQL could not be started again after ${attempt} attempts; giving up.\n${reason}`),
          );
          return;
        }
        options.note(`Starting the embedded PostgreSQL failed (attempt ${attempt}); trying again in ${delay} ms: ${reason.split('\n')[0]}`);
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
        delay = Math.min(policy.maxDelayMs, delay * 2);
      }
    }
  }

  watch();
  return {
    get url() {
      return current.url;
    },
    get pid() {
      return current.pid;
    },
    alive: () => current.alive(),
    restarts: () => restarts,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await restarting;
      await current.stop();
    },
  };
}
