import { majorUnits, type PoolResult, type ProjectFate } from '@cagnotte/shared';
import type { Round } from '../../domain/model.ts';
import { neutralise } from '../exports/rules.ts';

const BOM = '\uFEFF';

function cell(value: string | number): string {
  const text = typeof value === 'number' ? String(value) : neutralise(value);
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const csv = (rows: (string | number)[][]) => BOM + rows.map((r) => r.map(cell).join(';')).join('\r\n') + '\r\n';

/** The selection: one line per project of each pool. Amounts in major units, `.` as decimal separator. */
export function selectionCsv(round: Pick<Round, 'currency'>, rows: { pool: PoolResult; project: ProjectFate }[]): string {
  const money = (cents: number) => majorUnits(cents, round.currency, 'en');
  return csv([
    ['district', 'project_id', 'title', `cost_${round.currency}`, 'support', 'supporters', 'selected', 'reason'],
    ...rows.map(({ pool, project }) => [pool.name ?? '', project.bucketId, project.title, money(project.costCents), project.support, project.supporters, project.selected ? 'yes' : 'no', project.reason.code]),
  ]);
}

/** `num/den` cents, rounded down to the cent, in major units. */
function floorCents(fraction: string): number {
  const [num = '0', den = '1'] = fraction.split('/');
  return Number(BigInt(num) / BigInt(den));
}

/** Equal Shares: what each voter's share paid for, exactly (a fraction of cents) and rounded down. */
export function sharesCsv(round: Pick<Round, 'currency'>, rows: { district: string; voter: string; member: { name: string; memberNumber: string | null } | null; spent: string }[]): string {
  return csv([
    ['district', 'voter', 'member_number', 'name', `spent_${round.currency}`, 'spent_cents_exact'],
    ...rows.map((r) => [r.district, r.voter, r.member?.memberNumber ?? '', r.member?.name ?? '', majorUnits(floorCents(r.spent), round.currency, 'en'), r.spent]),
  ]);
}
