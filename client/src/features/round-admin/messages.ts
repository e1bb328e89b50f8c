import { registerMessages } from '../../i18n/index.ts';
// The admin pages of a round reuse the organisation admin's words (search, import, actions).
import '../org-admin/messages.ts';

registerMessages(import.meta.glob('./i18n/*.json', { eager: true, import: 'default' }));
