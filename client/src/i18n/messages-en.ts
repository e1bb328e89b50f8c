/** The app-wide, shell and home messages in en: what the home needs, loaded only for a en reader. */
export default import.meta.glob<Record<string, unknown>>(['./en.json', '../features/shell/i18n/en.json', '../features/home/i18n/en.json'], {
  eager: true,
  import: 'default',
});
