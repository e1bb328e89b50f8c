import type { BucketStatus, Locale, Role } from '@cagnotte/shared';

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
  timeZone: { en: 'Dates in the time zone', fr: 'Dates dans le fuseau horaire' },
} satisfies Record<string, Label>;

export const yesNo = (value: boolean, locale: Locale) => (value ? LABELS.yes : LABELS.no)[locale];

/** A project's status, as the app shows it. */
export const STATUS_LABELS = {
  draft: { en: 'Draft', fr: 'Brouillon' },
  proposed: { en: 'Proposed', fr: 'Proposé' },
  open: { en: 'Open', fr: 'Ouvert' },
  funded: { en: 'Funded', fr: 'Financé' },
  awaiting_board: { en: 'Awaiting the board', fr: 'Décision du CA' },
  not_funded: { en: 'Not funded', fr: 'Non financé' },
  completed: { en: 'Completed', fr: 'Réalisé' },
  withdrawn: { en: 'Withdrawn', fr: 'Retiré' },
  merged: { en: 'Merged', fr: 'Fusionné' },
  rejected: { en: 'Rejected', fr: 'Refusé' },
} satisfies Record<BucketStatus, Label>;

export const ROLE_LABELS = {
  admin: { en: 'Admin', fr: 'Administration' },
  reviewer: { en: 'Reviewer', fr: 'Relecture' },
  accountant: { en: 'Accountant', fr: 'Comptabilité' },
  member: { en: 'Member', fr: 'Membre' },
} satisfies Record<Role, Label>;

/** The kinds of ledger rows: an allowance granted, money allocated to a project, money returned. */
export const KIND_LABELS = {
  grant: { en: 'Allowance', fr: 'Enveloppe' },
  allocate: { en: 'Allocation', fr: 'Affectation' },
  return: { en: 'Return', fr: 'Restitution' },
} satisfies Record<'grant' | 'allocate' | 'return', Label>;

/**
 * The reasons the app itself writes on ledger rows. Any other reason was typed by staff (a
 * top-up, a withdrawal, a board decision) and is exported as typed.
 */
const SYSTEM_REASONS: Record<string, Label> = {
  'initial allowance': { en: 'Initial allowance', fr: 'Enveloppe initiale' },
  'allowance override': { en: 'Allowance set by an admin', fr: 'Enveloppe fixée par un administrateur' },
  'allowance override removed': { en: 'Allowance back to the round’s default', fr: 'Enveloppe ramenée à celle du budget' },
  'allowance import': { en: 'Allowance imported from a file', fr: 'Enveloppe importée d’un fichier' },
  'Minimum not reached at the close': { en: 'Minimum not reached at the close', fr: 'Minimum non atteint à la clôture' },
};

/** A ledger row's reason in the organisation's language when the app wrote it; as typed otherwise. */
export function reasonLabel(reason: string | null, locale: Locale): { system: boolean; text: string | null } {
  const known = reason === null ? undefined : SYSTEM_REASONS[reason];
  return known ? { system: true, text: known[locale] } : { system: false, text: reason };
}
