import { createI18n } from 'vue-i18n';
import fr from './fr.json';
import en from './en.json';

const preferred = navigator.language.toLowerCase().startsWith('en') ? 'en' : 'fr';
// Screen readers pick their voice from it; index.html can only say French.
document.documentElement.lang = preferred;

export const i18n = createI18n({ legacy: false, locale: preferred, fallbackLocale: 'fr', messages: { fr, en } });
