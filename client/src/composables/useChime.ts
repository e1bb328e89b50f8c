import { onScopeDispose, readonly, ref } from 'vue';

/** A rising major arpeggio (C5 E5 G5 C6): joyful, short, and generated here, so there is nothing to download. */
const NOTES_HZ = [523.25, 659.25, 783.99, 1046.5];
const STEP_S = 0.13;

/**
 * The projector's sound, off until someone turns it on (a browser only lets a page play sound
 * after a click anyway, which is also when the AudioContext is created).
 */
export function useChime() {
  const enabled = ref(false);
  let context: AudioContext | null = null;

  function toggle() {
    enabled.value = !enabled.value;
    if (enabled.value) {
      context ??= new AudioContext();
      void context.resume();
    }
  }

  function play() {
    if (!enabled.value || !context) return;
    const start = context.currentTime + 0.02;
    NOTES_HZ.forEach((frequency, i) => {
      const at = start + i * STEP_S;
      const oscillator = context!.createOscillator();
      const gain = context!.createGain();
      oscillator.type = 'triangle';
      oscillator.frequency.value = frequency;
      // A soft attack and a long decay: a bell rather than a beep.
      gain.gain.setValueAtTime(0, at);
      gain.gain.linearRampToValueAtTime(0.25, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.001, at + (i === NOTES_HZ.length - 1 ? 1.2 : 0.5));
      oscillator.connect(gain).connect(context!.destination);
      oscillator.start(at);
      oscillator.stop(at + 1.3);
    });
  }

  onScopeDispose(() => void context?.close());

  return { enabled: readonly(enabled), toggle, play };
}
