import type { Locale } from '@cagnotte/shared';
import type { MailMessage } from '../../mail/transport.ts';

/** The e-mail a newly added member gets, in the organisation's language. */
export function welcomeMail(input: { to: string; name: string; organisation: string; locale: Locale; publicUrl: string }): MailMessage {
  const signIn = `${input.publicUrl}/sign-in`;
  if (input.locale === 'fr') {
    return {
      to: input.to,
      subject: `Bienvenue dans ${input.organisation} sur Cagnotte`,
      body:
        `Bonjour ${input.name},\n\n` +
        `${input.organisation} vous a ajouté·e à ses membres sur Cagnotte, où les membres décident ensemble de l’usage d’un budget commun.\n\n` +
        `Pour vous connecter, ouvrez ${signIn} et saisissez cette adresse e-mail (${input.to}) : vous recevrez un lien de connexion, sans mot de passe.\n`,
    };
  }
  return {
    to: input.to,
    subject: `Welcome to ${input.organisation} on Cagnotte`,
    body:
      `Hello ${input.name},\n\n` +
      `${input.organisation} has added you as a member on Cagnotte, where members decide together how to spend a common budget.\n\n` +
      `To sign in, open ${signIn} and enter this e-mail address (${input.to}): you will get a sign-in link, no password needed.\n`,
  };
}
