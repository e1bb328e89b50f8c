import { PassThrough, Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import type pg from 'pg';
import { minorDigits, type Reconciliation } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import { organisations } from '../../db/schema.ts';
import type { Round } from '../../domain/model.ts';
import { notFound } from '../../domain/errors.ts';
import { DATE_FORMATS, type ExportContext } from './context.ts';
import { csvFile } from './csv.ts';
import { ledgerCsvRecords } from './ledger-csv.ts';
import { reconciliationIn } from './queries.ts';
import { fileSlug } from './rules.ts';
import { openSnapshot, type Snapshot } from './snapshot.ts';
import { bucketsTable, ledgerTable, membersTable } from './tables.ts';
import { EXCEL_MAX_ROWS, writeWorkbook } from './xlsx.ts';
import { zonedText, zonedWallClock } from './zoned-time.ts';

export type ExportLog = { error: (details: object, message: string) => void };

export type ExportDownload = { filename: string; contentType: string; stream: Readable };

export type CsvTable = 'buckets' | 'members' | 'ledger';

function csvOf(name: CsvTable, snapshot: Snapshot, ctx: ExportContext, reconciliation: Reconciliation): AsyncGenerator<string> {
  switch (name) {
    case 'buckets':
      return csvFile(snapshot, bucketsTable, ctx, reconciliation);
    case 'members':
      return csvFile(snapshot, membersTable, ctx, reconciliation);
    case 'ledger':
      return csvFile(snapshot, ledgerTable, ctx, reconciliation, ledgerCsvRecords(snapshot, ctx));
  }
}

export type ExportsService = ReturnType<typeof makeExportsService>;

export function makeExportsService({
  db,
  pool,
  now,
  batchSize = 1000,
  maxRowsPerSheet = EXCEL_MAX_ROWS,
  idleTimeoutMs = 5 * 60_000,
}: {
  db: Db;
  /** Exports hold a client of their own for their cursor, for as long as the download lasts. */
  pool: pg.Pool;
  now: () => Date;
  batchSize?: number;
  maxRowsPerSheet?: number;
  idleTimeoutMs?: number;
}) {
  async function contextFor(round: Round): Promise<ExportContext> {
    const [org] = await db
      .select({ locale: organisations.locale, timeZone: organisations.timeZone })
      .from(organisations)
      .where(eq(organisations.id, round.organisationId));
    if (!org) throw notFound('organisation');
    return {
      round,
      digits: minorDigits(round.currency),
      locale: org.locale,
      timeZone: org.timeZone,
      formatDate: zonedText(org.timeZone, org.locale),
      wallClock: zonedWallClock(org.timeZone),
      dateFormat: DATE_FORMATS[org.locale],
    };
  }

  /**
   * Opens the snapshot and computes the reconciliation before any byte is sent, so that a
   * database that cannot be reached is a proper 503, not a truncated file.
   */
  async function begin(round: Round): Promise<{ snapshot: Snapshot; ctx: ExportContext; reconciliation: Reconciliation }> {
    const ctx = await contextFor(round);
    const snapshot = await openSnapshot(pool, { batchSize, idleTimeoutMs });
    try {
      return { snapshot, ctx, reconciliation: await reconciliationIn(snapshot, round, now()) };
    } catch (error) {
      await snapshot.release();
      throw error;
    }
  }

  const filename = (round: Round, name: string) => `${fileSlug(round.title, round.id)}-${name}`;

  return {
    async reconciliation(round: Round): Promise<Reconciliation> {
      const { snapshot, reconciliation } = await begin(round);
      await snapshot.release();
      return reconciliation;
    },

    /**
     * A CSV file as a stream that pulls one cursor batch at a time as the client reads. The
     * client going away destroys the stream, which ends the generator, which gives the database
     * client back; an error mid-stream is logged and cuts the file short.
     */
    async csv(round: Round, name: CsvTable, log: ExportLog): Promise<ExportDownload> {
      const { snapshot, ctx, reconciliation } = await begin(round);
      let started = false;
      async function* run(): AsyncGenerator<string> {
        started = true;
        try {
          yield* csvOf(name, snapshot, ctx, reconciliation);
        } catch (error) {
          log.error({ err: error, roundId: round.id, file: `${name}.csv` }, 'export failed mid-stream');
          throw error;
        } finally {
          await snapshot.release();
        }
      }
      const stream = Readable.from(run(), { objectMode: false });
      // Destroyed before its first read (the client left at once): the generator never ran.
      stream.once('close', () => void (started || snapshot.release()));
      return { filename: filename(round, `${name}.csv`), contentType: 'text/csv; charset=utf-8', stream };
    },

    /** The workbook, written into the stream as the cursor yields rows, paced by the client. */
    async xlsx(round: Round, log: ExportLog): Promise<ExportDownload> {
      const { snapshot, ctx, reconciliation } = await begin(round);
      const out = new PassThrough();
      void writeWorkbook(snapshot, out, ctx, reconciliation, { maxRowsPerSheet })
        .catch((error: unknown) => {
          log.error({ err: error, roundId: round.id, file: 'round.xlsx' }, 'export failed mid-stream');
          out.destroy(error as Error);
        })
        .finally(() => snapshot.release());
      return {
        filename: filename(round, 'round.xlsx'),
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        stream: out,
      };
    },
  };
}
