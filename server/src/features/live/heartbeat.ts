import type { Follower } from './followers.ts';

/**
 * Pings every socket each interval; one that answered nothing (no pong, no message) since the
 * previous ping is cut: its peer is gone without closing.
 */
export function makeHeartbeat(options: { intervalMs: number; followers: () => Iterable<Follower>; dead: (follower: Follower) => void }) {
  let timer: NodeJS.Timeout | undefined;
  return {
    start(): void {
      if (timer) return;
      timer = setInterval(() => {
        for (const follower of options.followers()) {
          if (!follower.alive) {
            options.dead(follower);
            continue;
          }
          follower.alive = false;
          follower.socket.ping();
        }
      }, options.intervalMs).unref();
    },
    stop(): void {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
