import { createI18n } from 'vue-i18n';
import type { Locale } from '@cagnotte/shared';

type Messages = { [key: string]: string | Messages };

/**
 * Messages are nested by feature: `features/<feature>/i18n/{fr,en}.json` each hold their own
 * top-level key (`round.…`, `home.…`). The app-wide ones (beside this file), the shell's and the
 * home's load before the first page, in the reader's language only (`messages-<locale>.ts`);
 * every other feature's load with its pages, through its `messages.ts`.
 */
const appMessages: Record<Locale, () => Promise<Record<string, unknown>>> = {
  fr: () => import('./messages-fr.ts').then((module) => module.default),
  en: () => import('./messages-en.ts').then((module) => module.default),
};

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

export const LOCALES: readonly Locale[] = ['fr', 'en'];
const STORED = 'cagnotte.locale';

function stored(): Locale | null {
  const value = localStorage.getItem(STORED);
  return value === 'fr' || value === 'en' ? value : null;
}

const initial: Locale = stored() ?? (navigator.language.toLowerCase().startsWith('en') ? 'en' : 'fr');
// Screen readers pick their voice from it; index.html can only say French.
document.documentElement.lang = initial;

export const i18n = createI18n({ legacy: false, locale: initial, fallbackLocale: 'fr', messages: { fr: {}, en: {} } });

const loaded = new Set<Locale>();
let asked = 0;

/** Fetches the app-wide messages of `locale` once; main.ts waits for the first before mounting. */
export async function loadLocale(locale: Locale) {
  if (loaded.has(locale)) return;
  const messages = byLocale((await appMessages[locale]()) as Record<string, Messages>);
  i18n.global.mergeLocaleMessage(locale, messages[locale]);
  loaded.add(locale);
}

/** The language the app starts in: the one chosen on this device, else the browser's. */
export const initialLocale = initial;

/** Shows the app in `locale`; `remember` keeps it on this device as the person's choice. */
export async function applyLocale(locale: Locale, remember = false) {
  const mine = ++asked;
  if (remember) localStorage.setItem(STORED, locale);
  await loadLocale(locale);
  // A later choice made while these messages loaded wins.
  if (mine !== asked) return;
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
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
