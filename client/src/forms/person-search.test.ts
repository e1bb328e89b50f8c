import { describe, expect, it } from 'vitest';
import { personMatcher } from './person-search.ts';

const lea = { name: 'Léa Dubois', email: 'lea@coop.fr' };
const paul = { name: 'Paul Roux', email: null };

describe('personMatcher', () => {
  it('matches a part of the name or of the e-mail, in any case, ignoring surrounding spaces', () => {
    expect([lea, paul].filter(personMatcher('  DUBO '))).toEqual([lea]);
    expect([lea, paul].filter(personMatcher('coop.fr'))).toEqual([lea]);
    expect([lea, paul].filter(personMatcher('roux'))).toEqual([paul]);
  });

  it('matches everyone when nothing is typed, and no one when nothing fits', () => {
    expect([lea, paul].filter(personMatcher('   '))).toEqual([lea, paul]);
    expect([lea, paul].filter(personMatcher('zoé'))).toEqual([]);
  });
});
