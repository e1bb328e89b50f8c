import { onScopeDispose, readonly, ref, watch, type Ref } from 'vue';

/**
 * A projector cannot scroll: shrinks `scale` (the caller multiplies its font size by it, and the
 * layout is in em) until `content` fits the window's height, down to `minimum`, below which the
 * page scrolls rather than become unreadable from the back of the room.
 */
export function useFitToScreen(content: Ref<HTMLElement | null>, minimum = 0.72) {
  const scale = ref(1);

  function fit() {
    const element = content.value;
    if (!element) return;
    const fits = (value: number) => {
      element.style.setProperty('--fit', String(value));
      // The page's, not the element's: the element's is rounded down, and a fraction of a pixel over makes the page scroll.
      return element.scrollHeight <= window.innerHeight && document.documentElement.scrollHeight <= window.innerHeight;
    };
    // Wrapping makes the height far from proportional to the scale: search for the largest that fits.
    let best = 1;
    if (!fits(1)) {
      let [low, high] = [minimum, 1];
      for (let i = 0; i < 7; i++) {
        const middle = (low + high) / 2;
        if (fits(middle)) low = middle;
        else high = middle;
      }
      best = low;
      element.style.setProperty('--fit', String(best));
    }
    scale.value = best;
  }

  const observer = new ResizeObserver(() => fit());
  watch(
    content,
    (element, previous) => {
      if (previous) observer.unobserve(previous);
      if (element) {
        observer.observe(element);
        fit();
      }
    },
    { immediate: true },
  );
  window.addEventListener('resize', fit);
  onScopeDispose(() => {
    observer.disconnect();
    window.removeEventListener('resize', fit);
  });

  return { scale: readonly(scale), fit };
}
