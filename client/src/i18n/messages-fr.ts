/** The app-wide, shell and home messages in fr: what the home needs, loaded only for a fr reader. */
export default import.meta.glob<Record<string, unknown>>(['./fr.json', '../features/shell/i18n/fr.json', '../features/home/i18n/fr.json'], {
  eager: true,
  import: 'default',
});
