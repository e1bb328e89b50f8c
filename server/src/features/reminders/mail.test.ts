import { describe, expect, it } from 'vitest';
import { formatMoney } from '@cagnotte/shared';
import { formatCloseDate, reminderMail } from './mail.ts';

const reminder = {
  to: 'alice@example.org',
  name: 'Alice',
  organisation: 'Coop',
  roundTitle: 'Budget 2027',
  remainingCents: 18_050,
  currency: 'EUR',
  locale: 'fr' as const,
  timeZone: 'Europe/Paris',
  closesAt: new Date('2027-03-01T17:00:00Z'),
  url: 'http://cagnotte.test/rounds/r1',
};

describe('reminderMail', () => {
  it('says in French how much is left and when the round closes, in the organisation’s time zone', () => {
    const mail = reminderMail(reminder);
    expect(mail.to).toBe('alice@example.org');
    expect(mail.body).toContain(formatMoney(18_050, 'EUR', 'fr'));
    expect(mail.body).toContain('lundi 1 mars 2027 à 18:00');
    expect(mail.body).toContain(reminder.url);
  });

  it('writes English for an English organisation', () => {
    const mail = reminderMail({ ...reminder, locale: 'en', timeZone: 'America/New_York' });
    expect(mail.subject).toContain('€180.50');
    expect(mail.body).toContain('Monday, 1 March 2027 at 12:00');
  });
});

describe('formatCloseDate', () => {
  it('reads the instant in the given zone', () => {
    expect(formatCloseDate(new Date('2027-07-01T22:30:00Z'), 'fr', 'Europe/Paris')).toContain('2 juillet 2027 à 00:30');
  });
});
