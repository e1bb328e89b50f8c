import type { CreateOrg, Me, SetupStatus } from '@cagnotte/shared';
import type { Db } from '../../db/client.ts';
import { AppError, conflict } from '../../domain/errors.ts';
import { hashToken, randomToken } from '../../security/tokens.ts';
import { createOrganisation } from '../organisations/service.ts';
import { anyOrganisation, expireOpenSetupLinks, insertSetupLink, lockFirstRun, setupLinkByHash, useSetupLink } from './queries.ts';

/** Long enough for an operator to start the app tonight and open the link tomorrow morning. */
export const SETUP_LINK_HOURS = 24;

/**
 * The first run's one-time link, `{publicUrl}/setup#token=…`, or null once an organisation
 * exists. The secret travels in the fragment (never sent to a server, so never in a log); only
 * its hash is stored; issuing one expires those issued before.
 */
export async function issueSetupLink(db: Db, deps: { publicUrl: string; now: () => Date }): Promise<string | null> {
  return db.transaction(async (tx) => {
    await lockFirstRun(tx);
    if (await anyOrganisation(tx)) return null;
    const at = deps.now();
    await expireOpenSetupLinks(tx, at);
    const token = randomToken();
    await insertSetupLink(tx, { tokenHash: hashToken(token), expiresAt: new Date(at.getTime() + SETUP_LINK_HOURS * 3_600_000) });
    return `${deps.publicUrl}/setup#token=${token}`;
  });
}

const linkRefused = () =>
  new AppError(401, 'setup_link_invalid', 'Setup link not valid', 'This setup link is unknown, already used or expired. Restart the app, or run `npm run cli -- setup-link`, for a new one.');

export type SetupService = ReturnType<typeof makeSetupService>;

export function makeSetupService(deps: {
  db: Db;
  now: () => Date;
  openSession: (personId: string) => Promise<{ token: string; expiresAt: Date }>;
  me: (personId: string) => Promise<Me>;
}) {
  const { db, now } = deps;
  return {
    /** What the setup page shows before its form: the form, or why not. */
    async status(token: string | undefined): Promise<SetupStatus> {
      if (await anyOrganisation(db)) return { state: 'done', expiresAt: null };
      const link = token ? await setupLinkByHash(db, hashToken(token)) : undefined;
      if (!link) return { state: 'unknown', expiresAt: null };
      if (link.usedAt) return { state: 'used', expiresAt: null };
      if (link.expiresAt <= now()) return { state: 'expired', expiresAt: null };
      return { state: 'ready', expiresAt: link.expiresAt.toISOString() };
    },

    /**
     * Uses the link and creates the organisation and its first admin in one transaction, then
     * signs the admin in. Whoever reaches a fresh instance without the link gets a 401; once an
     * organisation exists, a 409 even with a link, so nobody takes over an instance in use.
     */
    async complete(token: string, input: CreateOrg) {
      const created = await db.transaction(async (tx) => {
        await lockFirstRun(tx);
        if (!(await useSetupLink(tx, hashToken(token), now()))) throw linkRefused();
        if (await anyOrganisation(tx)) {
          throw conflict('already_set_up', 'This instance already has an organisation; ask its operator to create another one (npm run cli -- create-org).');
        }
        return createOrganisation(tx, input);
      });
      const session = await deps.openSession(created.personId);
      return { ...session, me: await deps.me(created.personId) };
    },
  };
}
