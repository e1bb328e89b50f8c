import { describe, expect, it } from 'vitest';
import { proposerMail } from './mail.ts';

const url = 'https://cagnotte.example/buckets/b1';

describe('the e-mails to a project’s proposers', () => {
  it('approval: in French with the reviewers’ note, in English without one', () => {
    const fr = proposerMail.approved({ title: 'Four à pain', reason: 'Bien chiffré', url })('fr');
    expect(fr.subject).toBe('Votre projet « Four à pain » est approuvé');
    expect(fr.body('Alice')).toBe(`Bonjour Alice,\n\nVotre projet « Four à pain » est approuvé : il pourra recevoir des fonds.\n\nLa note de l’équipe de relecture :\n\nBien chiffré\n\n${url}\n`);
    const en = proposerMail.approved({ title: 'Bread oven', url })('en');
    expect(en.body('Alice')).toBe(`Hello Alice,\n\nYour project “Bread oven” is approved for funding.\n\n${url}\n`);
  });

  it('rejection, requested changes and merge say why and link the project page in both languages', () => {
    const messages = [
      proposerMail.rejected({ title: 'T', reason: 'Hors sujet', url }),
      proposerMail.changesRequested({ title: 'T', reason: 'Hors sujet', url }),
      proposerMail.merged({ title: 'T', intoTitle: 'U', reason: 'Hors sujet', url }),
    ];
    for (const message of messages) {
      for (const [locale, hello] of [['fr', 'Bonjour Ada,'], ['en', 'Hello Ada,']] as const) {
        const body = message(locale).body('Ada');
        expect(body.startsWith(hello)).toBe(true);
        expect(body).toContain('Hors sujet');
        expect(body).toContain(url);
      }
    }
    expect(proposerMail.rejected({ title: 'T', reason: 'r', url })('fr').subject).toBe('Votre projet « T » n’a pas été retenu');
    expect(proposerMail.merged({ title: 'T', intoTitle: 'U', reason: 'r', url })('en').subject).toBe('Your project “T” was merged into “U”');
  });

  it('invitation: names the inviter, or says a member when the name is gone', () => {
    expect(proposerMail.invitation({ title: 'T', inviter: 'Alice', url })('fr').subject).toBe('Alice vous invite à porter le projet « T »');
    expect(proposerMail.invitation({ title: 'T', inviter: null, url })('fr').subject).toBe('Un membre vous invite à porter le projet « T »');
    expect(proposerMail.invitation({ title: 'T', inviter: null, url })('en').subject).toBe('A member invites you to propose “T”');
    expect(proposerMail.invitation({ title: 'T', inviter: 'Alice', url })('en').body('Bob')).toContain(url);
  });
});
