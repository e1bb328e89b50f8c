import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import en from '../features/vote/i18n/en.json';
import fr from '../features/vote/i18n/fr.json';
import { pluralOf } from './usePlural.ts';

const composer = (locale: 'fr' | 'en') => createI18n({ legacy: false, locale, messages: { fr, en } }).global;

describe('a count in a plural message', () => {
  it('is grouped the reader’s way past 999', () => {
    expect(pluralOf(composer('en'), 'vote.results.voters', 90_000)).toBe('90,000 voters');
    expect(pluralOf(composer('fr'), 'vote.results.voters', 90_000)).toBe('90\u202f000 votants');
  });

  it('still picks the message’s form by the count', () => {
    expect(pluralOf(composer('en'), 'vote.results.voters', 0)).toBe('no voter');
    expect(pluralOf(composer('en'), 'vote.results.voters', 1)).toBe('1 voter');
    expect(pluralOf(composer('fr'), 'vote.support.points', 2)).toBe('2 points');
  });
});
