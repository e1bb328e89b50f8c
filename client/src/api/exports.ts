import { Reconciliation, type ExportFile } from '@cagnotte/shared';
import { path, request } from './http.ts';

/** The accountant's side of a round: its reconciliation, and where its files download from. */
export const exportsApi = {
  reconciliation: (roundId: string) => request(Reconciliation, 'GET', path`/api/rounds/${roundId}/exports/reconciliation`),
  /** A plain GET with the session cookie: the browser downloads it itself (`<a download>`), streamed. */
  fileUrl: (roundId: string, file: ExportFile) => `${path`/api/rounds/${roundId}/exports`}/${file}`,
};
