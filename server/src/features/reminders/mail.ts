import { formatMoney, type Locale } from '@cagnotte/shared';
import type { MailMessage } from '../../mail/transport.ts';

export type Reminder = {
  to: string;
  name: string;
  organisation: string;
  roundTitle: string;
  remainingCents: number;
  currency: string;
  locale: Locale;
  timeZone: string;
  closesAt: Date;
  url: string;
};

/** The close date as people of the organisation read it: in its language and time zone. */
export function formatCloseDate(closesAt: Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone }).format(closesAt);
}

/** The day-before reminder to a member who has not spent all of their allowance. */
export function reminderMail(r: Reminder): MailMessage {
  const left = formatMoney(r.remainingCents, r.currency, r.locale);
  const when = formatCloseDate(r.closesAt, r.locale, r.timeZone);
  if (r.locale === 'fr') {
    return {
      to: r.to,
      subject: `Il vous reste ${left} à répartir — « ${r.roundTitle} » se termine bientôt`,
      body:
        `Bonjour ${r.name},\n\n` +
        `Il vous reste ${left} à répartir entre les projets de « ${r.roundTitle} » (${r.organisation}).\n` +
        `Le vote se termine le ${when} (heure de ${r.timeZone}).\n\n` +
        `Pour choisir vos projets : ${r.url}\n`,
    };
  }
  return {
    to: r.to,
    subject: `You have ${left} left to allocate — “${r.roundTitle}” closes soon`,
    body:
      `Hello ${r.name},\n\n` +
      `You still have ${left} to spread over the projects of “${r.roundTitle}” (${r.organisation}).\n` +
      `The round closes on ${when} (${r.timeZone} time).\n\n` +
      `Choose your projects: ${r.url}\n`,
  };
}
