// The settings of a server or worker process, parsed once from the environment (and the command's flags) into
// one typed Config that is handed down: the runtime, the workers and the HTTP app take their part of it and
// read no environment themselves (issue 18). Every REGATTA_* variable the server knows is in ENV below, with its
// range; a bad value stops the start with INVALID_CONFIG naming the variable, instead of surfacing later as NaN.
// The README's settings table lists the same variables (config.test.ts checks the two against each other).
import { join } from 'node:path';
import { z } from 'zod';
import { RegattaError } from '../errors.js';
import { type FeedConfig, OSV_PUBLIC_BASE } from '../scanning/feeds/sources.js';
import { MATCHED_ECOSYSTEMS } from '../scanning/vulndb/match.js';
import type { WebhookConfig } from './webhooks.js';
import { DEFAULT_VULNDB_SCHEDULE, type WorkerOptions } from './worker-options.js';

/** A bootstrap token or secret key shorter than this falls to guessing. */
const MIN_SECRET_LENGTH = 16;

const positive = z.coerce.number().int().min(1).max(1_000_000);
const text = z.string().max(4096);
const secret = (name: string) =>
  text.refine((v) => v.length >= MIN_SECRET_LENGTH, `${name} must be at least ${MIN_SECRET_LENGTH} characters`);
const list = text.transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/** Every variable, as the environment gives it (text), with its range. Unset and empty mean the default. */
export const ENV = z.object({
  REGATTA_DATA_DIR: text.default('./regatta-data'),
  DATABASE_URL: text.optional(),
  REGATTA_PORT: z.coerce.number().int().min(0).max(65535).default(8480),
  REGATTA_HOST: text.default('127.0.0.1'),
  REGATTA_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REGATTA_SHUTDOWN_GRACE: z.coerce.number().min(0).max(86_400).default(20),
  REGATTA_SECRET_KEY: text.optional(),
  REGATTA_SECRET_KEY_PREVIOUS: list.default([]),
  REGATTA_BOOTSTRAP_PROJECT_ID: text.optional(),
  REGATTA_BOOTSTRAP_TOKEN: secret('REGATTA_BOOTSTRAP_TOKEN').optional(),
  REGATTA_BOOTSTRAP_AK: text.optional(),
  REGATTA_BOOTSTRAP_SK: secret('REGATTA_BOOTSTRAP_SK').optional(),
  REGATTA_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  REGATTA_WEBHOOK_SECRET: text.optional(),
  REGATTA_SWR_REGION: text.optional(),
  REGATTA_METRICS_TOKEN: text.optional(),
  REGATTA_AUTH_FAILURES_PER_MINUTE: positive.default(20),
  REGATTA_SESSION_HOURS: positive.default(12),
  REGATTA_AUDIT_RETENTION_DAYS: positive.default(365),
  REGATTA_OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  REGATTA_OIDC_CLIENT_ID: text.optional(),
  REGATTA_OIDC_CLIENT_SECRET: text.optional(),
  REGATTA_OIDC_REDIRECT_URL: z.url({ protocol: /^https?$/ }).optional(),
  REGATTA_OIDC_GROUPS_CLAIM: text.default('groups'),
  REGATTA_OIDC_ROLES: list.default([]),
  REGATTA_POLL_INTERVAL: positive.optional(),
  REGATTA_SYNC_CONCURRENCY: positive.optional(),
  REGATTA_REGISTRY_CONCURRENCY: positive.optional(),
  REGATTA_SCAN_CONCURRENCY: positive.optional(),
  REGATTA_SCAN_LAYER_CACHE_MB: z.coerce
    .number()
    .int()
    .min(0)
    .max(1024 * 1024)
    .optional(),
  REGATTA_SCAN_ON_SYNC: z.enum(['true', 'false']).optional(),
  REGATTA_VULNDB: text.optional(),
  REGATTA_VULNDB_STALE_HOURS: positive.optional(),
  REGATTA_VULNDB_UPDATE: text.default(DEFAULT_VULNDB_SCHEDULE),
  REGATTA_VULNDB_URL: text.default(OSV_PUBLIC_BASE),
  REGATTA_VULNDB_ECOSYSTEMS: list.optional(),
  REGATTA_MALWARE_FEEDS: list.default([]),
  REGATTA_SECRET_RULE_FEEDS: list.default([]),
  REGATTA_SCANNER_ADAPTER_URL: z.url({ protocol: /^https?$/ }).optional(),
  REGATTA_SCANNER_ADAPTER_TOKEN: text.optional(),
});

/** What the HTTP app takes from the configuration (api/app.ts AppOptions). */
export interface ApiConfig {
  swrRegion?: string;
  metricsToken?: string;
  authFailuresPerMinute: number;
  /** How long a console sign-in lasts. */
  sessionHours: number;
  /** Audit entries older than this are deleted. */
  auditRetentionDays: number;
  /** Single sign-on for the console, when an issuer is configured. */
  oidc?: OidcConfig;
}

/** OpenID Connect sign-in (authorization code + PKCE) and how the provider's groups map to roles. */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** Where the provider sends the browser back: this server's /api/v1/oidc/callback. */
  redirectUrl: string;
  groupsClaim: string;
  /** `group=project:role` (role admin, operator or viewer; project an id or name), or `group=*:superadmin`. */
  roles: { group: string; project: string; role: string }[];
}

export interface Config {
  dataDir: string;
  databaseUrl?: string;
  port: number;
  host: string;
  logLevel: z.infer<typeof ENV>['REGATTA_LOG_LEVEL'];
  shutdownGraceMs: number;
  /** Base64 of the 32-byte key credentials are encrypted with; else the data dir's secret.key. */
  secretKey?: string;
  /** Keys used before (rotation): what they sealed is read, and sealed again with secretKey at start. */
  previousSecretKeys: string[];
  /** An admin identity for one project, created or updated on every start. */
  bootstrap?: { projectId: string; token?: string; accessKey?: string; secretKey?: string };
  webhook?: WebhookConfig;
  api: ApiConfig;
  workers: WorkerOptions & { vulndb: string; feeds: FeedConfig };
}

/** Flags of `serve` / `worker` that override their variable. */
export interface ConfigFlags {
  dataDir?: string;
  port?: string;
  host?: string;
}

/**
 * The configuration of this process: `env` (process.env), overridden by `flags`.
 * @throws RegattaError INVALID_CONFIG naming every variable out of range, or BOOTSTRAP_SECRET_WEAK.
 */
export function loadConfig(env: Record<string, string | undefined>, flags: ConfigFlags = {}): Config {
  const given = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k in ENV.shape && v !== undefined && v !== ''),
  );
  if (flags.dataDir !== undefined) given.REGATTA_DATA_DIR = flags.dataDir;
  if (flags.port !== undefined) given.REGATTA_PORT = flags.port;
  if (flags.host !== undefined) given.REGATTA_HOST = flags.host;
  const parsed = ENV.safeParse(given);
  if (!parsed.success) throw configError(parsed.error);
  const e = parsed.data;
  const vulndb = e.REGATTA_VULNDB ?? join(e.REGATTA_DATA_DIR, 'vulndb');
  const feeds: FeedConfig = {
    osvBase: e.REGATTA_VULNDB_URL,
    ecosystems: e.REGATTA_VULNDB_ECOSYSTEMS?.length ? e.REGATTA_VULNDB_ECOSYSTEMS : [...MATCHED_ECOSYSTEMS],
    malware: e.REGATTA_MALWARE_FEEDS,
    rules: e.REGATTA_SECRET_RULE_FEEDS,
  };
  return {
    dataDir: e.REGATTA_DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    port: e.REGATTA_PORT,
    host: e.REGATTA_HOST,
    logLevel: e.REGATTA_LOG_LEVEL,
    shutdownGraceMs: e.REGATTA_SHUTDOWN_GRACE * 1000,
    secretKey: e.REGATTA_SECRET_KEY,
    previousSecretKeys: e.REGATTA_SECRET_KEY_PREVIOUS,
    ...(e.REGATTA_BOOTSTRAP_PROJECT_ID
      ? {
          bootstrap: {
            projectId: e.REGATTA_BOOTSTRAP_PROJECT_ID,
            token: e.REGATTA_BOOTSTRAP_TOKEN,
            accessKey: e.REGATTA_BOOTSTRAP_AK,
            secretKey: e.REGATTA_BOOTSTRAP_SK,
          },
        }
      : {}),
    ...(e.REGATTA_WEBHOOK_URL
      ? {
          webhook: {
            url: e.REGATTA_WEBHOOK_URL,
            ...(e.REGATTA_WEBHOOK_SECRET ? { secret: e.REGATTA_WEBHOOK_SECRET } : {}),
          },
        }
      : {}),
    api: {
      swrRegion: e.REGATTA_SWR_REGION,
      metricsToken: e.REGATTA_METRICS_TOKEN,
      authFailuresPerMinute: e.REGATTA_AUTH_FAILURES_PER_MINUTE,
      sessionHours: e.REGATTA_SESSION_HOURS,
      auditRetentionDays: e.REGATTA_AUDIT_RETENTION_DAYS,
      ...(e.REGATTA_OIDC_ISSUER ? { oidc: oidcConfig(e) } : {}),
    },
    workers: {
      pollIntervalSeconds: e.REGATTA_POLL_INTERVAL,
      syncConcurrency: e.REGATTA_SYNC_CONCURRENCY,
      registryConcurrency: e.REGATTA_REGISTRY_CONCURRENCY,
      scanConcurrency: e.REGATTA_SCAN_CONCURRENCY,
      scanLayerCacheMiB: e.REGATTA_SCAN_LAYER_CACHE_MB,
      vulndbStaleHours: e.REGATTA_VULNDB_STALE_HOURS,
      scanOnSync: e.REGATTA_SCAN_ON_SYNC === undefined ? undefined : e.REGATTA_SCAN_ON_SYNC === 'true',
      vulndb,
      feeds,
      // REGATTA_VULNDB_UPDATE: the update schedule (cron, UTC), or `off` for updates only when asked.
      vulndbUpdate: {
        dir: vulndb,
        feeds,
        schedule: e.REGATTA_VULNDB_UPDATE === 'off' ? false : e.REGATTA_VULNDB_UPDATE,
      },
      ...(e.REGATTA_SCANNER_ADAPTER_URL
        ? { scannerAdapter: { url: e.REGATTA_SCANNER_ADAPTER_URL, token: e.REGATTA_SCANNER_ADAPTER_TOKEN } }
        : {}),
    },
  };
}

function configError(error: z.ZodError): RegattaError {
  const issues = error.issues.map((i) => ({ name: String(i.path[0]), message: i.message }));
  const weak = issues.find((i) => i.message.includes(`at least ${MIN_SECRET_LENGTH} characters`));
  if (weak) return new RegattaError('BOOTSTRAP_SECRET_WEAK', weak.message);
  return new RegattaError('INVALID_CONFIG', issues.map((i) => `${i.name}: ${i.message}`).join('; '));
}

const ROLE_MAPPING = /^([^=\s]+)=([^:\s]+):(admin|operator|viewer|superadmin)$/;

function oidcConfig(e: z.infer<typeof ENV>): OidcConfig {
  const problems: string[] = [];
  if (!e.REGATTA_OIDC_CLIENT_ID) problems.push('REGATTA_OIDC_CLIENT_ID: required with REGATTA_OIDC_ISSUER');
  if (!e.REGATTA_OIDC_REDIRECT_URL) problems.push('REGATTA_OIDC_REDIRECT_URL: required with REGATTA_OIDC_ISSUER');
  const roles = e.REGATTA_OIDC_ROLES.map((entry) => {
    const m = ROLE_MAPPING.exec(entry);
    if (!m || (m[3] === 'superadmin') !== (m[2] === '*'))
      problems.push(`REGATTA_OIDC_ROLES: ${entry} is not group=project:role or group=*:superadmin`);
    return { group: m?.[1] ?? '', project: m?.[2] ?? '', role: m?.[3] ?? '' };
  });
  if (problems.length > 0) throw new RegattaError('INVALID_CONFIG', `invalid configuration: ${problems.join('; ')}`);
  return {
    issuer: e.REGATTA_OIDC_ISSUER!,
    clientId: e.REGATTA_OIDC_CLIENT_ID!,
    clientSecret: e.REGATTA_OIDC_CLIENT_SECRET,
    redirectUrl: e.REGATTA_OIDC_REDIRECT_URL!,
    groupsClaim: e.REGATTA_OIDC_GROUPS_CLAIM,
    roles,
  };
}
