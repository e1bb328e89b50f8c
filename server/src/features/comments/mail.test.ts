import { describe, expect, it } from 'vitest';
import { commentMail } from './mail.ts';

const base = { to: 'paula@example.org', name: 'Paula', author: 'Marc', title: 'Vélos partagés', excerpt: 'Combien ?', url: 'https://cagnotte.example/buckets/b1' };

describe('the new-comment e-mail', () => {
  it('is in French for a French-speaking organisation, with the excerpt and the project page', () => {
    const mail = commentMail({ ...base, locale: 'fr' });
    expect(mail.subject).toBe('Nouveau commentaire sur « Vélos partagés »');
    expect(mail.body).toBe('Bonjour Paula,\n\nMarc a commenté votre projet « Vélos partagés » :\n\nCombien ?\n\nLire et répondre : https://cagnotte.example/buckets/b1\n');
  });

  it('is in English for an English-speaking organisation', () => {
    const mail = commentMail({ ...base, locale: 'en' });
    expect(mail.subject).toBe('New comment on “Vélos partagés”');
    expect(mail.to).toBe('paula@example.org');
  });
});
