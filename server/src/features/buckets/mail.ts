import type { Locale } from '@cagnotte/shared';
import type { Executor } from '../../db/client.ts';
import { enqueueMail } from '../../mail/outbox.ts';
import { proposerAddresses } from './queries.ts';

/** The client's project page. */
export const bucketUrl = (publicUrl: string, bucketId: string) => `${publicUrl}/buckets/${bucketId}`;

/** One e-mail, written in each language the organisation may speak; `name` is the recipient's. */
export type Bilingual = (locale: Locale) => { subject: string; body: (name: string) => string };

/** Queues one e-mail per accepted proposer of the buckets, in their organisation's language, in the transaction that decided. */
export async function tellProposers(tx: Executor, input: { bucketIds: string[]; message: Bilingual }): Promise<void> {
  const addresses = await proposerAddresses(tx, input.bucketIds);
  await enqueueMail(
    tx,
    addresses.map(({ email, name, locale }) => {
      const { subject, body } = input.message(locale);
      return { to: email, subject, body: body(name) };
    }),
  );
}

const note = (locale: Locale, reason: string | undefined | null) =>
  reason ? (locale === 'fr' ? `\n\nLa note de l’équipe de relecture :\n\n${reason}` : `\n\nThe reviewers' note:\n\n${reason}`) : '';

/** What the proposers of a project are told about the reviewers' decisions, and a co-proposer about an invitation. */
export const proposerMail = {
  approved: (input: { title: string; reason?: string; url: string }): Bilingual => (locale) =>
    locale === 'fr'
      ? {
          subject: `Votre projet « ${input.title} » est approuvé`,
          body: (name) => `Bonjour ${name},\n\nVotre projet « ${input.title} » est approuvé : il pourra recevoir des fonds.${note(locale, input.reason)}\n\n${input.url}\n`,
        }
      : {
          subject: `Your project “${input.title}” is approved`,
          body: (name) => `Hello ${name},\n\nYour project “${input.title}” is approved for funding.${note(locale, input.reason)}\n\n${input.url}\n`,
        },

  rejected: (input: { title: string; reason: string; url: string }): Bilingual => (locale) =>
    locale === 'fr'
      ? {
          subject: `Votre projet « ${input.title} » n’a pas été retenu`,
          body: (name) => `Bonjour ${name},\n\nL’équipe de relecture n’a pas retenu votre projet « ${input.title} ».${note(locale, input.reason)}\n\n${input.url}\n`,
        }
      : {
          subject: `Your project “${input.title}” was not accepted`,
          body: (name) => `Hello ${name},\n\nThe reviewers rejected your project “${input.title}”.${note(locale, input.reason)}\n\n${input.url}\n`,
        },

  changesRequested: (input: { title: string; reason: string; url: string }): Bilingual => (locale) =>
    locale === 'fr'
      ? {
          subject: `Des modifications sont demandées sur votre projet « ${input.title} »`,
          body: (name) =>
            `Bonjour ${name},\n\nL’équipe de relecture demande des modifications de votre projet « ${input.title} » avant qu’il puisse aller plus loin.${note(locale, input.reason)}\n\n` +
            `Modifiez-le, puis proposez-le à nouveau :\n\n${input.url}\n`,
        }
      : {
          subject: `Changes requested on your project “${input.title}”`,
          body: (name) =>
            `Hello ${name},\n\nThe reviewers ask for changes to your project “${input.title}” before it can go further.${note(locale, input.reason)}\n\n` +
            `Edit it, then propose it again:\n\n${input.url}\n`,
        },

  merged: (input: { title: string; intoTitle: string; reason: string; url: string }): Bilingual => (locale) =>
    locale === 'fr'
      ? {
          subject: `Votre projet « ${input.title} » a été fusionné avec « ${input.intoTitle} »`,
          body: (name) =>
            `Bonjour ${name},\n\nL’équipe de relecture a fusionné votre projet « ${input.title} » avec « ${input.intoTitle} », que vous portez désormais aussi.\n\n` +
            `Sa note :\n\n${input.reason}\n\n${input.url}\n`,
        }
      : {
          subject: `Your project “${input.title}” was merged into “${input.intoTitle}”`,
          body: (name) =>
            `Hello ${name},\n\nThe reviewers merged your project “${input.title}” into “${input.intoTitle}”, which you now carry too.\n\n` +
            `Their note:\n\n${input.reason}\n\n${input.url}\n`,
        },

  /** `inviter` is null when the inviting member's name is gone (erased). */
  invitation: (input: { title: string; inviter: string | null; url: string }): Bilingual => (locale) => {
    if (locale === 'fr') {
      const who = input.inviter ?? 'Un membre';
      return {
        subject: `${who} vous invite à porter le projet « ${input.title} »`,
        body: (name) =>
          `Bonjour ${name},\n\n${who} vous invite à porter avec lui ou elle le projet « ${input.title} », comme co-porteur·e.\n\n` +
          `Acceptez ou déclinez l’invitation sur la page du projet :\n\n${input.url}\n`,
      };
    }
    const who = input.inviter ?? 'A member';
    return {
      subject: `${who} invites you to propose “${input.title}”`,
      body: (name) =>
        `Hello ${name},\n\n${who} invites you to carry the project “${input.title}” with them as a co-proposer.\n\n` +
        `Accept or decline the invitation on the project's page:\n\n${input.url}\n`,
    };
  },
};
