import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { CreateOrg } from '@cagnotte/shared';
import { ConfigError, readEnv, type AppConfig } from './config.ts';
import { appConfigFrom, openDatabase, sessionSecret, type Database } from './bootstrap.ts';
import { makeAuthService } from './features/auth/service.ts';
import { peopleByEmail } from './features/members/queries.ts';
import { makeOrganisationsService } from './features/organisations/service.ts';
import { issueSetupLink, SETUP_LINK_HOURS } from './features/setup/service.ts';
import { AppError } from './domain/errors.ts';
import { EmbeddedDatabaseError } from './db/embedded.ts';
import { importMembersFromFile } from './features/members/import-file.ts';

/**
 * What a command works with: the database, and the same configuration and services the app
 * builds for its routes. The configuration is read on first use only: it may create the
 * session secret in the data directory, which `migrate` or `create-org` have no need for.
 */
type Context = { database: Database; config: () => AppConfig };

type Command = {
  usage: string;
  summary: string;
  run: (args: string[], ctx: Context) => Promise<void>;
};

const now = () => new Date();

function authService({ database, config }: Context) {
  const { sessionSecret: secret, sessionDays, publicUrl } = config();
  return makeAuthService({ db: database.db, now, secret, sessionDays, publicUrl });
}

async function personByEmail(database: Database, email: string) {
  const person = (await peopleByEmail(database.db, [email.toLowerCase()])).get(email.toLowerCase());
  if (!person) throw new CliError(`No person with the e-mail ${email}.`);
  return person;
}

class CliError extends Error {}

/** The CLI's flag for each field of the shared `CreateOrg` schema, to name it in errors. */
const CREATE_ORG_FLAGS: Record<string, string> = {
  'organisation.name': '--name', 'organisation.slug': '--slug', 'organisation.currency': '--currency', 'organisation.locale': '--locale',
  'organisation.timeZone': '--time-zone', 'admin.email': '--admin-email', 'admin.name': '--admin-name',
};

const commands: Record<string, Command> = {
  migrate: {
    usage: 'migrate',
    summary: 'Apply the database migrations (also done at every start).',
    run: async () => console.log('Migrations applied.'),
  },
  'create-org': {
    usage: 'create-org --name "Coop" --admin-email a@b.org --admin-name "Ada" [--slug coop] [--currency EUR] [--locale fr] [--time-zone Europe/Paris]',
    summary: 'Create an organisation with its first admin (the slug is made from the name when not given).',
    run: async (args, { database }) => {
      const { values } = parseArgs({
        args,
        options: {
          name: { type: 'string' }, slug: { type: 'string' }, currency: { type: 'string' }, locale: { type: 'string' },
          'time-zone': { type: 'string' }, 'admin-email': { type: 'string' }, 'admin-name': { type: 'string' },
        },
      });
      const parsed = CreateOrg.safeParse({
        organisation: { name: values.name, slug: values.slug, currency: values.currency, locale: values.locale, timeZone: values['time-zone'] },
        admin: { email: values['admin-email'], name: values['admin-name'] },
      });
      if (!parsed.success) {
        throw new CliError(parsed.error.issues.map((i) => `${CREATE_ORG_FLAGS[i.path.join('.')] ?? i.path.join('.')}: ${i.message}`).join('\n'));
      }
      // The same service as the browser's first run.
      const created = await makeOrganisationsService({ db: database.db }).create(parsed.data);
      console.log(`Created ${parsed.data.organisation.name} (${created.slug}, ${created.organisationId}) with admin ${parsed.data.admin.email}.`);
    },
  },
  'setup-link': {
    usage: 'setup-link',
    summary: `Print a new first-run link (valid ${SETUP_LINK_HOURS} hours), while the instance has no organisation.`,
    run: async (_args, { database, config }) => {
      const url = await issueSetupLink(database.db, { publicUrl: config().publicUrl, now });
      if (!url) throw new CliError('This instance already has an organisation: use create-org for another one.');
      console.log(url);
    },
  },
  'sign-in-link': {
    usage: 'sign-in-link <email>',
    summary: 'Print a single-use sign-in link for a member (valid 15 minutes).',
    run: async ([email], ctx) => {
      if (!email) throw new CliError('Give the e-mail address.');
      const person = await personByEmail(ctx.database, email);
      console.log(await authService(ctx).createMagicLink(ctx.database.db, person.id));
    },
  },
  'session-token': {
    usage: 'session-token <email>',
    summary: 'Print a session token for scripts and load tests (send it as Authorization: Bearer).',
    run: async ([email], ctx) => {
      if (!email) throw new CliError('Give the e-mail address.');
      const person = await personByEmail(ctx.database, email);
      const auth = authService(ctx);
      if ((await auth.me(person.id)).memberships.length === 0) throw new CliError(`${email} has no active membership.`);
      console.log((await auth.openSession(person.id)).token);
    },
  },
  'import-members': {
    usage: 'import-members --org <slug> <file.csv>',
    summary: 'Import members from a CSV file (header email,name,role): every line or none; welcome e-mails are queued.',
    run: async (args, { database, config }) => {
      const { values, positionals } = parseArgs({ args, options: { org: { type: 'string' } }, allowPositionals: true });
      const [file] = positionals;
      if (!values.org || !file) throw new CliError('Usage: import-members --org <slug> <file.csv>');
      // `npm run cli` runs in server/; a relative path means the one the user typed it from.
      const path = resolve(process.env.INIT_CWD ?? process.cwd(), file);
      const result = await importMembersFromFile({ db: database.db, publicUrl: config().publicUrl }, { slug: values.org, path });
      if (!result.ok) throw new CliError(result.lines.join('\n'));
      console.log(result.lines.join('\n'));
    },
  },
};

function help(): string {
  return ['Usage: npm run cli -- <command> [options]', '', ...Object.values(commands).map((c) => `  ${c.usage}\n      ${c.summary}`)].join('\n');
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.log(help());
    process.exit(name && name !== 'help' ? 2 : 0);
  }
  const env = readEnv();
  const database = await openDatabase(env, { owner: false });
  let config: AppConfig | undefined;
  try {
    await command.run(args, { database, config: () => (config ??= appConfigFrom(env, sessionSecret(env), env.PORT)) });
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof CliError || error instanceof ConfigError || error instanceof EmbeddedDatabaseError || error instanceof AppError) {
    console.error(error.message);
  } else if ((error as { code?: string }).code === '23505') {
    console.error('That already exists (a slug or e-mail is taken).');
  } else {
    console.error(error);
  }
  process.exit(1);
});
