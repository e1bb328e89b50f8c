import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem, Reconciliation, RoundParams, type Role } from '@cagnotte/shared';
import type { Access } from '../../http/access.ts';
import type { CsvTable, ExportDownload, ExportsService } from './service.ts';

const EXPORT_ROLES: readonly Role[] = ['accountant', 'admin'];

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 503: Problem };

/** A file reply, streamed: documented by its media type, never serialised. */
const file200 = (mediaType: string, description: string) => ({
  description,
  content: { [mediaType]: { schema: z.string().meta({ format: 'binary' }) } },
});

function download(reply: FastifyReply, file: ExportDownload) {
  return reply
    .header('content-type', file.contentType)
    .header('content-disposition', `attachment; filename="${file.filename}"`)
    .header('cache-control', 'no-store')
    .send(file.stream);
}

const CSV_FILES: { name: CsvTable; operationId: string; summary: string }[] = [
  {
    name: 'buckets',
    operationId: 'exportBucketsCsv',
    summary: 'Per project: id, title, status, funded, minimum, maximum, contributors, proposers, dates',
  },
  {
    name: 'members',
    operationId: 'exportMembersCsv',
    summary: 'Per member holding an allowance: membership id, member number, name, e-mail, role, allowance, allocated, returned, unspent',
  },
  {
    name: 'ledger',
    operationId: 'exportLedgerCsv',
    summary: 'Every ledger row in order: date, kind, member (id, number, name), project (id, title), amount, who entered it, on whose behalf, why',
  },
];

const CSV_FORMAT =
  'Streamed from a database cursor. UTF-8 with a BOM, `;` separator, CRLF lines, a header row; amounts in the ' +
  'currency’s major unit with the organisation’s decimal separator (12,50 in French); headers and our own values ' +
  '(statuses, roles, kinds, the reasons the app writes, yes/no) in the organisation’s language; dates as date-time ' +
  'text in the organisation’s time zone, in the order its locale writes them, to the second (fr `01/12/2026 20:50:48`, ' +
  'en `2026-12-01 20:50:48`), which spreadsheets read as dates; text people typed that a spreadsheet would run as a ' +
  'formula starts with `\'`. Rows carry the ids of members (membership id, and member number if any) and projects. ' +
  '“On the member’s behalf” is yes or no for allocations only (yes: staff entered it for the member); empty for grants ' +
  'and returns, which staff or the app make. After a blank line, the reconciliation of the round ' +
  '(`# Reconciliation;…`), which also names the time zone of the dates. Accountants and admins only.';

export const exportRoutes: FastifyPluginAsyncZod<{ exports: ExportsService; access: Access }> = async (app, { exports, access }) => {
  for (const file of CSV_FILES) {
    app.get(`/api/rounds/:roundId/exports/${file.name}.csv`, {
      // A HEAD would run the whole export only to throw it away.
      exposeHeadRoute: false,
      schema: {
        operationId: file.operationId,
        tags: ['exports'],
        summary: file.summary,
        description: CSV_FORMAT,
        params: RoundParams,
        response: { 200: file200('text/csv', 'The CSV file (UTF-8 with a BOM).'), ...errors },
      },
    }, async (request, reply) => {
      const { round } = await access.round(request, request.params.roundId, EXPORT_ROLES);
      return download(reply, await exports.csv(round, file.name, request.log));
    });
  }

  app.get('/api/rounds/:roundId/exports/round.xlsx', {
    exposeHeadRoute: false,
    schema: {
      operationId: 'exportRoundXlsx',
      tags: ['exports'],
      summary: 'The round in one workbook: Buckets, Members, Ledger (continued on “Ledger 2”… past 1,048,576 rows), Reconciliation',
      description:
        'Streamed from a database cursor. The same columns and values as the CSV files; amounts are numbers in major ' +
        'units, dates are date cells holding the organisation’s wall clock (the Reconciliation sheet names the time ' +
        'zone) in the locale’s date format; Buckets, Members and Ledger end with totals rows. Accountants and admins only.',
      params: RoundParams,
      response: { 200: file200('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'The XLSX workbook.'), ...errors },
    },
  }, async (request, reply) => {
    const { round } = await access.round(request, request.params.roundId, EXPORT_ROLES);
    return download(reply, await exports.xlsx(round, request.log));
  });

  app.get('/api/rounds/:roundId/exports/reconciliation', {
    schema: {
      operationId: 'getRoundReconciliation',
      tags: ['exports'],
      summary: 'Invariant 6 to the cent, from the stored totals and from the ledger, and whether they reconcile',
      params: RoundParams,
      response: { 200: Reconciliation, ...errors },
    },
  }, async (request) => {
    const { round } = await access.round(request, request.params.roundId, EXPORT_ROLES);
    return exports.reconciliation(round);
  });
};
