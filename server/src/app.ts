import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import type { DestinationStream } from 'pino';
import type { HelmetOptions } from 'helmet';
import type { AppConfig } from './config.ts';
import type { Db } from './db/client.ts';
import { logTransport, type MailTransport } from './mail/transport.ts';
import { frameworkErrors, registerErrorHandling } from './http/error-handler.ts';
import { registerTextGuard } from './http/text-guard.ts';
import { registerSecurityHeaders } from './http/security-headers.ts';
import { OneLinePerRequest } from './http/request-log.ts';
import { responseSerializerCompiler } from './http/response-serializer.ts';
import { declareValidationFailures, transformDocument } from './openapi/problem-content.ts';
import { authPlugin } from './http/auth-plugin.ts';
import { makeAccess } from './http/access.ts';
import { drainOutbox } from './mail/outbox.ts';
import { makeChanges, type Changes } from './features/live/changes.ts';
import { makeJobs, type Jobs } from './jobs.ts';
import { registerFeatures } from './features/register.ts';

export type AppDeps = {
  config: AppConfig;
  db: Db;
  pool: pg.Pool;
  /** Defaults to writing e-mails to the log. */
  mail?: MailTransport;
  /** The clock, injected so tests can move time (link expiry, scheduled phases). */
  now?: () => Date;
  /** Where the live hub opens its own LISTEN connection; without it, live updates stay on this instance. */
  databaseUrl?: string;
  /** Where the log goes when not pretty-printed (standard output by default); tests read it. */
  logStream?: DestinationStream;
};

declare module 'fastify' {
  interface FastifyInstance {
    /** Work the scheduler does every few seconds; tests call it directly. */
    jobs: Jobs & { drainMail: () => Promise<number> };
    /** Announcements of what changed in a round, after commit; the live hub follows them. */
    changes: Changes;
  }
}

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-setup-token"]',
  'res.headers["set-cookie"]',
  '*.token',
  '*.secret',
  '*.password',
];

/** Query parameters that carry a credential (the live socket's single-use ticket). */
const SECRET_QUERY = /([?&]ticket=)[^&#]*/g;

/** Fastify's request line, with any credential of the query string censored. */
function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: request.url.replace(SECRET_QUERY, '$1[redacted]'),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** Security headers: a CSP that allows only the app's own origin (ARCHITECTURE.md, Security). */
export function helmetOptions(config: Pick<AppConfig, 'secureCookies'>): HelmetOptions {
  return {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        upgradeInsecureRequests: config.secureCookies ? [] : null,
      },
    },
  };
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, db } = deps;
  const now = deps.now ?? (() => new Date());

  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { req: serializeRequest },
      ...(config.logPretty
        ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } }
        : deps.logStream
          ? { stream: deps.logStream }
          : {}),
    },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    logController: new OneLinePerRequest(),
    frameworkErrors,
    requestIdHeader: false,
  }).withTypeProvider<ZodTypeProvider>();

  const mail = deps.mail ?? logTransport(app.log);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  registerErrorHandling(app);
  registerTextGuard(app);
  declareValidationFailures(app);

  await app.register(cookie);
  registerSecurityHeaders(app, helmetOptions(config));
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Cagnotte API',
        version: '0.1.0',
        description: 'Decide together how to spend a common budget. Errors are RFC 9457 problem details with a stable `code`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'cagnotte_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: transformDocument,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(authPlugin, { db, secret: config.sessionSecret, allowedOrigins: config.allowedOrigins, now });

  const access = makeAccess({ db, now, confirmSession: (request) => app.confirmSession(request) });
  const changes = makeChanges();
  app.decorate('changes', changes);
  const jobs = makeJobs(app.log);
  app.decorate('jobs', { ...jobs, drainMail: () => drainOutbox(db, mail) });
  await registerFeatures(app, { db, pool: deps.pool, now, config, access, changes, jobs, databaseUrl: deps.databaseUrl });

  app.get('/api/health', { schema: { hide: true } }, async () => {
    await deps.pool.query('select 1');
    return { ok: true };
  });

  // Last, so that e-mails queued by the jobs above leave in the same pass.
  jobs.add('outbox', async () => void (await drainOutbox(db, mail)));

  if (config.clientDir) {
    await app.register(fastifyStatic, { root: config.clientDir, wildcard: false });
    // The SPA's own routes (/sign-in, /projector/…) all load index.html.
    app.get('/*', { schema: { hide: true } }, (request, reply) => {
      if (request.url.startsWith('/api/')) return reply.callNotFound();
      return reply.sendFile('index.html');
    });
  }

  return app;
}
