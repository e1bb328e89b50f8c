import type { Locale } from '@cagnotte/shared';
import type { MailMessage } from '../../mail/transport.ts';

/** A proposer hears of a new comment on their project, in the organisation's language; the link opens the project page. */
export function commentMail(input: { to: string; name: string; author: string; title: string; excerpt: string; url: string; locale: Locale }): MailMessage {
  if (input.locale === 'fr') {
    return {
      to: input.to,
      subject: `Nouveau commentaire sur « ${input.title} »`,
      body: `Bonjour ${input.name},\n\n${input.author} a commenté votre projet « ${input.title} » :\n\n${input.excerpt}\n\nLire et répondre : ${input.url}\n`,
    };
  }
  return {
    to: input.to,
    subject: `New comment on “${input.title}”`,
    body: `Hello ${input.name},\n\n${input.author} commented on your project “${input.title}”:\n\n${input.excerpt}\n\nRead and answer: ${input.url}\n`,
  };
}
