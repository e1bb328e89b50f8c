import { onScopeDispose, ref, watch } from 'vue';

const reduced = () => typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

/** A number that glides to its new value (half a second), or jumps when motion is reduced. */
export function useTween(target: () => number, durationMs = 600) {
  const shown = ref(target());
  let frame = 0;
  watch(target, (to) => {
    cancelAnimationFrame(frame);
    const from = shown.value;
    if (reduced() || typeof requestAnimationFrame !== 'function' || from === to) {
      shown.value = to;
      return;
    }
    const start = performance.now();
    const tick = (now: number) => {
      const p = Math.min(1, (now - start) / durationMs);
      shown.value = Math.round(from + (to - from) * (1 - (1 - p) ** 3));
      if (p < 1) frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
  });
  onScopeDispose(() => cancelAnimationFrame(frame));
  return shown;
}
