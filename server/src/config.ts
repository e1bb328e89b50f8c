import { z } from 'zod';

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Live updates are coalesced into one frame per interval. 75 ms keeps a change's p99 under
 * 150 ms on one instance and 400 ms on two with thousands of sockets (bench/RESULTS.md, issue
 * 12); 100 ms did not, and 50 ms costs half as much CPU again for little gain.
 */
export const DEFAULT_LIVE_FRAME_MS = 75;

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url({ message: 'must be an absolute URL such as https://cagnotte.example.org' }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Cagnotte <no-reply@cagnotte.local>'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: boolean.optional(),
  TRUST_PROXY: boolean.default(false),
  LIVE_FRAME_MS: z.coerce.number().int().min(10).max(5000).default(DEFAULT_LIVE_FRAME_MS),
  SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5000),
  SEED_DEMO: boolean.default(true),
});

export type Env = z.infer<typeof EnvSchema>;

/** Their values may hold passwords: error messages name them without showing them. */
const SECRET_VARIABLES = new Set(['SESSION_SECRET', 'DATABASE_URL', 'SMTP_URL']);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once; every other module receives the result. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): Env {
  // An empty variable (as docker-compose passes `${SMTP_URL:-}`) means unset.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = EnvSchema.safeParse(given);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const shown = SECRET_VARIABLES.has(name) ? '(hidden)' : JSON.stringify(env[name] ?? '');
    return `  ${name}=${shown}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration in the environment:\n${lines.join('\n')}`);
}

/** What `buildApp` needs: resolved values only, nothing read from the environment. */
export type AppConfig = {
  publicUrl: string;
  /** Origins allowed to send cookie-authenticated state-changing requests. */
  allowedOrigins: string[];
  sessionSecret: Uint8Array;
  sessionDays: number;
  secureCookies: boolean;
  trustProxy: boolean;
  logLevel: Env['LOG_LEVEL'];
  logPretty: boolean;
  liveFrameMs: number;
  /** Live hub tuning; the defaults suit production, tests shrink them. */
  live?: {
    /** Drop a socket whose unsent data exceeds this (default 1 MiB). */
    maxBufferedBytes?: number;
    /** Ping interval; a socket that did not answer the previous ping is dropped (default 30 s). */
    heartbeatMs?: number;
    /** Re-read the funding versions of followed rounds, in case a notification was lost (default 5 s). */
    sweepMs?: number;
    /** Longest wait between attempts to reconnect the LISTEN connection (default 10 s). */
    reconnectMaxMs?: number;
  };
  schedulerIntervalMs: number;
  /** Without a mail transport (no SMTP_URL), sign-in links are written to the log; never with one. */
  logMagicLinks: boolean;
  /** Built SPA to serve, if any. */
  clientDir?: string;
  rateLimit: { signInPerMinute: number };
};

/**
 * The one place an `AppConfig` is written out: the environment's defaults (see `EnvSchema`),
 * with what a caller knows laid over them. Production (`appConfigFrom`), tests, the OpenAPI
 * writer and the benches all start here, so a new setting has its default in one place. The
 * secret has no default: every caller must say which one signs its sessions.
 */
export function baseConfig(overrides: Partial<AppConfig> & Pick<AppConfig, 'sessionSecret'>): AppConfig {
  return {
    publicUrl: 'http://localhost:3000',
    allowedOrigins: [],
    sessionDays: 30,
    secureCookies: false,
    trustProxy: false,
    logLevel: 'info',
    logPretty: false,
    liveFrameMs: DEFAULT_LIVE_FRAME_MS,
    schedulerIntervalMs: 5000,
    logMagicLinks: false,
    rateLimit: { signInPerMinute: 10 },
    ...overrides,
  };
}
