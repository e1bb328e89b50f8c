import { readonly, ref } from 'vue';

export type Toast = { id: number; text: string; tone: 'info' | 'success' | 'error'; action?: { label: string; run: () => void } };

const toasts = ref<Toast[]>([]);
let next = 1;

/** Short notices shown by ToastHost (one in App.vue). Components raise them; stores never do. */
export function useToasts() {
  function show(text: string, options: Omit<Toast, 'id' | 'text'> = { tone: 'info' }) {
    toasts.value = [...toasts.value, { id: next++, text, ...options }];
  }
  function dismiss(id: number) {
    toasts.value = toasts.value.filter((toast) => toast.id !== id);
  }
  return { toasts: readonly(toasts), show, dismiss };
}
