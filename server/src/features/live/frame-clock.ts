import { performance } from 'node:perf_hooks';

export type FrameClock = ReturnType<typeof makeFrameClock>;

/**
 * At most one frame per interval: work after a quiet spell goes out on the next tick, and what
 * follows within the interval waits for the next frame, coalesced. A frame never overlaps the
 * previous one.
 */
export function makeFrameClock(options: { frameMs: number; hasWork: () => boolean; frame: () => Promise<void> }) {
  let timer: NodeJS.Timeout | undefined;
  let lastFrameAt = -Infinity;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function run(): Promise<void> {
    timer = undefined;
    lastFrameAt = performance.now();
    running = options.frame();
    try {
      await running;
    } finally {
      running = undefined;
      poke();
    }
  }

  function poke(): void {
    if (stopped || timer || running || !options.hasWork()) return;
    const wait = Math.max(0, lastFrameAt + options.frameMs - performance.now());
    timer = setTimeout(() => void run(), wait);
  }

  return {
    /** There is work: make sure a frame is coming. */
    poke,
    /** No more frames; resolves once the one under way (if any) has ended. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
