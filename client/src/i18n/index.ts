import { createI18n } from 'vue-i18n';
import type { Locale } from '@cagnotte/shared';

type Messages = { [key: string]: string | Messages };

/**
 * Messages are nested by feature: `features/<feature>/i18n/{fr,en}.json` each hold their own
 * top-level key (`round.…`, `home.…`). The app-wide ones (beside this file) and the shell's load
 * with the app; every other feature's load with its pages, through its `messages.ts`.
 */
const files = import.meta.glob<Messages>(['./*.json', '../features/shell/i18n/*.json', '../features/home/i18n/*.json', '../features/sign-in/i18n/*.json'], {
  eager: true,
  import: 'default',
});

function merge(into: Messages, from: Messages): Messages {
  for (const [key, value] of Object.entries(from)) {
    const held = into[key];
    into[key] = typeof value === 'object' && typeof held === 'object' ? merge(held, value) : value;
  }
  return into;
}

function byLocale(modules: Record<string, Messages>): Record<Locale, Messages> {
  const messages: Record<Locale, Messages> = { fr: {}, en: {} };
  for (const [file, content] of Object.entries(modules)) {
    const locale = /(fr|en)\.json$/.exec(file)?.[1] as Locale | undefined;
    if (locale) merge(messages[locale], content);
  }
  return messages;
}
const messages = byLocale(files);

export const LOCALES: readonly Locale[] = ['fr', 'en'];
const STORED = 'cagnotte.locale';

function stored(): Locale | null {
  const value = localStorage.getItem(STORED);
  return value === 'fr' || value === 'en' ? value : null;
}

const initial: Locale = stored() ?? (navigator.language.toLowerCase().startsWith('en') ? 'en' : 'fr');
// Screen readers pick their voice from it; index.html can only say French.
document.documentElement.lang = initial;

export const i18n = createI18n({ legacy: false, locale: initial, fallbackLocale: 'fr', messages });

/** Shows the app in `locale`; `remember` keeps it on this device as the person's choice. */
export function applyLocale(locale: Locale, remember = false) {
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
  if (remember) localStorage.setItem(STORED, locale);
}

/** The language a person chose on this device, if any (else the organisation's applies). */
export const chosenLocale = stored;

/**
 * A feature's messages, from its `messages.ts`:
 * `registerMessages(import.meta.glob('./i18n/*.json', { eager: true, import: 'default' }))`.
 * Import that file from every component that uses the feature's keys.
 */
export function registerMessages(modules: Record<string, unknown>) {
  const messages = byLocale(modules as Record<string, Messages>);
  for (const locale of LOCALES) i18n.global.mergeLocaleMessage(locale, messages[locale]);
}
