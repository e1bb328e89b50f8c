import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { minorDigits, type Locale } from '@cagnotte/shared';
import { testApp, type TestContext } from '../../../test/harness.ts';
import { closedRound } from '../../../test/exports-scenario.ts';
import { DATE_FORMATS, type ExportContext } from './context.ts';
import { csvFile } from './csv.ts';
import { ledgerCsvRecords } from './ledger-csv.ts';
import { reconciliationIn } from './queries.ts';
import { openSnapshot } from './snapshot.ts';
import { ledgerTable } from './tables.ts';
import { zonedText, zonedWallClock } from './zoned-time.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

async function text(files: AsyncIterable<string>): Promise<string> {
  let all = '';
  for await (const part of files) all += part;
  return all;
}

/** ledger.csv as written, and as the workbook's ledger table's cells would write it, from one snapshot. */
async function bothWays(round: { id: string; title: string; currency: string }, locale: Locale, timeZone: string, batchSize: number) {
  const ctx: ExportContext = {
    round,
    digits: minorDigits(round.currency),
    locale,
    timeZone,
    formatDate: zonedText(timeZone, locale),
    wallClock: zonedWallClock(timeZone),
    dateFormat: DATE_FORMATS[locale],
  };
  const snapshot = await openSnapshot(t.pool, { batchSize, idleTimeoutMs: 60_000 });
  try {
    const reconciliation = await reconciliationIn(snapshot, round, new Date('2026-12-01T12:00:00Z'));
    const written = await text(csvFile(snapshot, ledgerTable, ctx, reconciliation, ledgerCsvRecords(snapshot, ctx)));
    const fromCells = await text(csvFile(snapshot, ledgerTable, ctx, reconciliation));
    return { written, fromCells };
  } finally {
    await snapshot.release();
  }
}

describe('ledger.csv written from the ledger’s columns', () => {
  it('is byte for byte the ledger table’s cells, whatever people typed, in both languages', async () => {
    const { admin, round, members } = await closedRound(t);
    const [m0, m1, m2] = [members[0]!, members[1]!, members[2]!];
    // Text that must be quoted or neutralised, on every field a person can type.
    await t.db.execute(sql`UPDATE memberships SET name = ${'Anne "la" Dupont; fils'}, member_number = ${'=12'} WHERE id = ${m1.membershipId}`);
    await t.db.execute(sql`UPDATE memberships SET name = ${'+Staff\r\nline'}, member_number = ${'A;7'} WHERE id = ${admin.membershipId}`);
    await t.db.execute(sql`UPDATE buckets SET title = ${'Toit; "vert"'} WHERE round_id = ${round.id} AND title NOT LIKE '=%' AND status = 'funded'`);
    const [participant] = (await t.db.execute(sql`SELECT id FROM participants WHERE round_id = ${round.id} AND membership_id = ${m2.membershipId}`)).rows as { id: string }[];
    // Someone the round's organisation does not know, which the foreign keys alone allow.
    const stranger = await t.given.member({ organisationId: (await t.given.org()).id, name: '@stranger' });
    // Grants with typed reasons (repeated, quoted, a formula), keys with a `;`, an instant before 1970.
    await t.db.execute(sql`
      INSERT INTO ledger (round_id, participant_id, kind, delta_cents, entered_by, reason, idempotency_key, created_at)
      VALUES (${round.id}, ${participant!.id}, 'grant', 1, ${admin.membershipId}, ${'top-up; "bonus"'}, ${'key;1'}, '1969-12-31T23:59:59.5Z'),
             (${round.id}, ${participant!.id}, 'grant', 2, ${admin.membershipId}, ${'top-up; "bonus"'}, ${'-key'}, '2026-03-29T01:30:00Z'),
             (${round.id}, ${participant!.id}, 'grant', 3, NULL, ${'=1+1'}, NULL, '2026-10-25T00:59:59.999Z'),
             (${round.id}, ${participant!.id}, 'grant', 4, ${m0.membershipId}, 'initial allowance', NULL, now()),
             (${round.id}, ${participant!.id}, 'grant', 5, ${stranger.membershipId}, NULL, NULL, now())`);

    for (const [locale, zone] of [['fr', 'Europe/Paris'], ['en', 'America/St_Johns']] as const) {
      // A batch of 7: lookups met for the first time in later batches too.
      const { written, fromCells } = await bothWays(round, locale, zone, 7);
      expect(written.split('\r\n').length).toBeGreaterThan(70);
      expect(written).toContain(";'@stranger;");
      expect(written).toBe(fromCells);
    }
  });

  it('writes a round with no ledger row as the header and the reconciliation', async () => {
    const org = await t.given.org();
    const round = await t.given.round(org.id);
    const { written, fromCells } = await bothWays(round, 'fr', 'Europe/Paris', 1000);
    expect(written).toBe(fromCells);
    expect(written.split('\r\n\r\n')[0]!.split('\r\n')).toHaveLength(1);
  });
});
