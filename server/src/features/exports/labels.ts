import type { Locale } from '@cagnotte/shared';

/** A text of the exported files, in the organisation's language. */
export type Label = Record<Locale, string>;

export const LABELS = {
  total: { en: 'Total', fr: 'Total' },
  yes: { en: 'yes', fr: 'oui' },
  no: { en: 'no', fr: 'non' },
  automatic: { en: '(automatic)', fr: '(automatique)' },
  reconciliation: { en: '# Reconciliation', fr: '# Rapprochement' },
  storedTotals: { en: 'From stored totals', fr: 'Depuis les totaux' },
  fromLedger: { en: 'From the ledger', fr: 'Depuis le journal' },
  allowances: { en: 'Σ allowances', fr: 'Σ enveloppes' },
  inFunded: { en: 'Σ in funded or completed projects', fr: 'Σ dans les projets financés ou réalisés' },
  inPending: { en: 'Σ in open or awaiting-board projects', fr: 'Σ dans les projets ouverts ou en attente du CA' },
  unspent: { en: 'Σ unspent', fr: 'Σ non dépensé' },
  inOther: { en: 'Σ in other projects (must be 0)', fr: 'Σ dans les autres projets (doit être 0)' },
  balanced: { en: 'Allowances = funded + pending + unspent', fr: 'Enveloppes = financé + en attente + non dépensé' },
  returned: { en: 'Σ returned (already in unspent)', fr: 'Σ restitué (déjà dans le non dépensé)' },
  ledgerRows: { en: 'Ledger rows', fr: 'Lignes du journal' },
  reconciled: { en: 'Reconciled', fr: 'Rapproché' },
  asOf: { en: 'As of', fr: 'Au' },
} satisfies Record<string, Label>;

export const yesNo = (value: boolean, locale: Locale) => (value ? LABELS.yes : LABELS.no)[locale];
