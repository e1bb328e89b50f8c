import type { Db } from '../../db/client.ts';
import type { Changes } from '../live/changes.ts';

/** What every bucket service needs. */
export type BucketDeps = {
  db: Db;
  now: () => Date;
  changes: Changes;
  /** Where the application is served, for links in e-mails. */
  publicUrl: string;
};
