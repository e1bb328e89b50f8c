import type { Locale } from '@cagnotte/shared';
import type { MailMessage } from '../../mail/transport.ts';

/** The sign-in e-mail, in the person's language. The link opens the client's `/sign-in#token=…`. */
export function signInMail(input: { to: string; name: string; url: string; minutes: number; locale: Locale }): MailMessage {
  if (input.locale === 'fr') {
    return {
      to: input.to,
      subject: 'Votre lien de connexion à Cagnotte',
      body:
        `Bonjour ${input.name},\n\n` +
        `Ouvrez ce lien dans les ${input.minutes} minutes pour vous connecter à Cagnotte :\n\n${input.url}\n\n` +
        `Il ne fonctionne qu’une fois. Si vous ne l’avez pas demandé, ignorez cet e-mail.\n`,
    };
  }
  return {
    to: input.to,
    subject: 'Your Cagnotte sign-in link',
    body:
      `Hello ${input.name},\n\n` +
      `Open this link within ${input.minutes} minutes to sign in to Cagnotte:\n\n${input.url}\n\n` +
      `It works once. If you did not ask for it, ignore this e-mail.\n`,
  };
}
