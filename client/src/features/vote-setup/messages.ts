import { registerMessages } from '../../i18n/index.ts';

registerMessages(import.meta.glob('./i18n/*.json', { eager: true, import: 'default' }));
