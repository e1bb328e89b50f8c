import type { z } from 'zod';
import { OpenProjectorSession, ProjectorSessionOpened } from '@cagnotte/shared';
import { request } from './http.ts';

export const projectorApi = {
  /** Exchanges a projector link's secret for a read-only session cookie on its round. */
  openSession: (body: z.input<typeof OpenProjectorSession>) => request(ProjectorSessionOpened, 'POST', '/api/projector/session', { body }),
};
