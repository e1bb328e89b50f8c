import { describe, expect, it } from 'vitest';
import { Slug } from '@cagnotte/shared';
import { firstFreeSlug, slugFromName } from './rules.ts';

describe('a slug made from a name', () => {
  it('drops accents, punctuation and capitals', () => {
    expect(slugFromName("Coopérative de l'Ouest")).toBe('cooperative-de-l-ouest');
    expect(slugFromName('  Les Artefacts — Toulouse!  ')).toBe('les-artefacts-toulouse');
  });

  it('is always a valid slug, even from a name with no latin letter or a long one', () => {
    expect(slugFromName('合作社')).toBe('organisation');
    const long = slugFromName('Association des habitants du quartier Saint-Cyprien et des environs proches');
    expect(long.length).toBeLessThanOrEqual(60);
    expect(Slug.safeParse(long).success).toBe(true);
  });
});

describe('a free slug', () => {
  it('is the base when nobody has it', () => {
    expect(firstFreeSlug('coop', new Set(['other']))).toBe('coop');
  });

  it('gets the first free number otherwise', () => {
    expect(firstFreeSlug('coop', new Set(['coop', 'coop-2']))).toBe('coop-3');
  });

  it('stays within 60 characters', () => {
    const base = 'a'.repeat(60);
    expect(firstFreeSlug(base, new Set([base]))).toBe(`${'a'.repeat(58)}-2`);
  });
});
