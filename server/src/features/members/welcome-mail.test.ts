import { describe, expect, it } from 'vitest';
import { welcomeMail } from './welcome-mail.ts';

describe('the welcome e-mail', () => {
  const base = { to: 'ada@example.org', name: 'Ada', organisation: 'Coop Alpha', publicUrl: 'https://cagnotte.example' };

  it('is in French for a French-speaking organisation and says where to sign in', () => {
    const mail = welcomeMail({ ...base, locale: 'fr' });
    expect(mail.subject).toBe('Bienvenue dans Coop Alpha sur Cagnotte');
    expect(mail.body).toContain('Bonjour Ada');
    expect(mail.body).toContain('https://cagnotte.example/sign-in');
  });

  it('is in English for an English-speaking organisation', () => {
    const mail = welcomeMail({ ...base, locale: 'en' });
    expect(mail.subject).toBe('Welcome to Coop Alpha on Cagnotte');
    expect(mail.body).toContain('https://cagnotte.example/sign-in');
    expect(mail.to).toBe('ada@example.org');
  });
});
