/**
 * Junction's configuration, read from the environment once. Nothing else reads
 * `process.env`. A bad value stops start-up with a message naming the variable.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { isTimeZone } from '@junction/nodes';
import { parseOutboundRules, type OutboundSettings } from '@junction/nodes/outbound';
import type { SandboxAdminLimits } from './sandbox/limits.ts';

const Bytes = z.coerce.number().int().positive();

/** A list of CIDRs, addresses and host names (docs/security.md, "Outbound connections"), checked at start. */
const OutboundList = (setting: string) =>
  z.string().superRefine((text, ctx) => {
    try {
      parseOutboundRules(text, setting);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message.replace(`${setting}: `, '') });
    }
  });

export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  /** PostgreSQL to use; without it Junction runs an embedded PostgreSQL under the data folder. */
  DATABASE_URL: z.string().url().optional(),
  JUNCTION_DATA_DIR: z.string().default('.data'),
  /** Largest request body accepted, in bytes (413 above it). */
  JUNCTION_BODY_LIMIT: Bytes.default(10 * 1024 * 1024),
  /** Runs a worker process executes at once. */
  JUNCTION_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(32),
  /** How often a worker process proves it is alive, and after how long without it the others take its runs over. */
  JUNCTION_HEARTBEAT_MS: z.coerce.number().int().min(100).default(1000),
  JUNCTION_DEAD_AFTER_MS: z.coerce.number().int().min(500).default(5000),
  /**
   * On SIGINT or SIGTERM, how long steps in flight may go on to finish before they are cut
   * short (and run again by the next worker). Stopping takes about this plus a second or
   * two: keep it below what the supervisor waits before SIGKILL (`docker stop`: 10 s).
   */
  JUNCTION_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(5000),
  JUNCTION_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Sandbox processes a worker runs (each a child process holding isolates), and isolates in each. */
  JUNCTION_SANDBOX_PROCESSES: z.coerce.number().int().min(1).max(64).default(2),
  JUNCTION_SANDBOX_ISOLATES: z.coerce.number().int().min(1).max(64).default(2),
  /** How many isolates a sandbox process may grow to while all are busy (a long Code step holds one). */
  JUNCTION_SANDBOX_ISOLATES_MAX: z.coerce.number().int().min(1).max(256).default(8),
  /** Defaults and maxima of the per-workflow settings codeTimeoutMs, expressionTimeoutMs and memoryMb. */
  JUNCTION_CODE_TIMEOUT_MS: z.coerce.number().int().min(10).default(5000),
  JUNCTION_CODE_TIMEOUT_MAX_MS: z.coerce.number().int().min(10).default(60_000),
  JUNCTION_EXPRESSION_TIMEOUT_MS: z.coerce.number().int().min(1).default(100),
  JUNCTION_EXPRESSION_TIMEOUT_MAX_MS: z.coerce.number().int().min(1).default(5000),
  JUNCTION_SANDBOX_MEMORY_MB: z.coerce.number().int().min(16).default(128),
  JUNCTION_SANDBOX_MEMORY_MAX_MB: z.coerce.number().int().min(16).default(512),
  /** Largest answer of one sandbox call (a Code step's items), and console output kept per step. */
  JUNCTION_SANDBOX_OUTPUT_LIMIT: Bytes.default(16 * 1024 * 1024),
  JUNCTION_SANDBOX_LOG_LIMIT: Bytes.default(64 * 1024),
  /** Seals stored credentials: 32 bytes as 64 hex digits or base64. Without it, a key generated into the data folder. */
  JUNCTION_ENCRYPTION_KEY: z.string().optional(),
  /** Older keys, comma-separated, still needed to open credentials sealed before a rotation. */
  JUNCTION_ENCRYPTION_KEY_PREVIOUS: z.string().optional(),
  /** First start without a browser: the owner account, created when no user exists yet. */
  JUNCTION_OWNER_EMAIL: z.email({ message: 'Not an e-mail address' }).optional(),
  JUNCTION_OWNER_PASSWORD: z.string().min(12, 'At least 12 characters').max(256).optional(),
  /** An API key for the owner, chosen by whoever deploys (at least 32 characters); stored hashed at start. */
  JUNCTION_BOOTSTRAP_API_KEY: z.string().min(32, 'At least 32 characters; make one with: node server/src/main.ts generate-key').max(200).optional(),
  /** Behind a reverse proxy: take the client address from X-Forwarded-For and HTTPS from X-Forwarded-Proto. */
  JUNCTION_TRUST_PROXY: z.stringbool().default(false),
  /**
   * How many reverse proxies of one's own stand in front (each appends an X-Forwarded-For
   * entry): the client's address is the entry the outermost one wrote, never one further left.
   */
  JUNCTION_TRUST_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
  /** A session ends this long after sign-in, or after this long unused. */
  JUNCTION_SESSION_HOURS: z.coerce.number().positive().max(24 * 90).default(24 * 7),
  JUNCTION_SESSION_IDLE_HOURS: z.coerce.number().positive().max(24 * 90).default(24),
  /** Requests per second one webhook path accepts in one process (0: no limit). */
  JUNCTION_WEBHOOK_RATE_LIMIT: z.coerce.number().int().min(0).default(2000),
  /**
   * Webhook requests are answered 503 (with Retry-After) while this many database queries
   * of the process already wait for a connection: after an outage, senders' retries would
   * otherwise queue without bound and every answer come too late.
   */
  JUNCTION_WEBHOOK_BACKLOG: z.coerce.number().int().min(1).default(200),
  /**
   * Largest result one step may keep in run history, in bytes of JSON; past it the step
   * fails with a StorageError (PostgreSQL's own ceiling for one document is 255 MB).
   */
  JUNCTION_STEP_DATA_LIMIT: Bytes.max(200 * 1024 * 1024).default(64 * 1024 * 1024),
  /**
   * Junction's address as people and systems reach it (behind a proxy: the proxy's), for
   * links Junction hands out: the resume URLs of waiting steps. Default: http://localhost:PORT.
   */
  JUNCTION_PUBLIC_URL: z.url({ protocol: /^https?$/, message: 'An http:// or https:// address, e.g. https://junction.shop.example' }).optional(),
  /** The time zone of workflows that name none (their dates, schedules and polls): an IANA name such as Asia/Taipei. */
  JUNCTION_TIMEZONE: z
    .string()
    .trim()
    .default('UTC')
    .refine(isTimeZone, { message: 'Not a time zone: use an IANA name such as Asia/Taipei or Europe/Warsaw' }),
  /**
   * Addresses and host names steps and credential tests may connect to although they are
   * loopback, private or link-local (refused by default), e.g. `10.20.0.0/16,erp.internal`.
   */
  JUNCTION_OUTBOUND_ALLOW: OutboundList('JUNCTION_OUTBOUND_ALLOW').optional(),
  /** Addresses and host names never connected to, even when allowed above. */
  JUNCTION_OUTBOUND_DENY: OutboundList('JUNCTION_OUTBOUND_DENY').optional(),
  /** The built editor served at `/` (default: editor/dist of this checkout). */
  JUNCTION_EDITOR_DIR: z.string().optional(),
}).refine((config) => config.JUNCTION_DEAD_AFTER_MS >= 3 * config.JUNCTION_HEARTBEAT_MS, {
  message: 'must be at least three heartbeats (3 × JUNCTION_HEARTBEAT_MS), or live workers would be taken for dead',
  path: ['JUNCTION_DEAD_AFTER_MS'],
});

export type Config = z.infer<typeof ConfigSchema> & { dataDir: string; editorDir: string; publicUrl: string };

const BUILT_EDITOR = fileURLToPath(new URL('../../editor/dist', import.meta.url));

/** The sandbox limits of config, as the runtime uses them. */
export function sandboxAdminLimits(config: Config): SandboxAdminLimits {
  return {
    codeTimeoutMs: Math.min(config.JUNCTION_CODE_TIMEOUT_MS, config.JUNCTION_CODE_TIMEOUT_MAX_MS),
    codeTimeoutMaxMs: config.JUNCTION_CODE_TIMEOUT_MAX_MS,
    expressionTimeoutMs: Math.min(config.JUNCTION_EXPRESSION_TIMEOUT_MS, config.JUNCTION_EXPRESSION_TIMEOUT_MAX_MS),
    expressionTimeoutMaxMs: config.JUNCTION_EXPRESSION_TIMEOUT_MAX_MS,
    memoryMb: Math.min(config.JUNCTION_SANDBOX_MEMORY_MB, config.JUNCTION_SANDBOX_MEMORY_MAX_MB),
    memoryMaxMb: config.JUNCTION_SANDBOX_MEMORY_MAX_MB,
    maxOutputBytes: config.JUNCTION_SANDBOX_OUTPUT_LIMIT,
    maxLogBytes: config.JUNCTION_SANDBOX_LOG_LIMIT,
    maxLogLines: 1000,
  };
}

/** The outbound policy's settings of config, as `configureOutbound` takes them. */
export function outboundSettings(config: Config): OutboundSettings {
  return { allow: config.JUNCTION_OUTBOUND_ALLOW, deny: config.JUNCTION_OUTBOUND_DENY };
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable (DATABASE_URL= in a .env or compose file) means "not set".
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = ConfigSchema.safeParse(set);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Junction's configuration is not valid:\n${lines.join('\n')}`);
  }
  return {
    ...parsed.data,
    dataDir: resolve(parsed.data.JUNCTION_DATA_DIR),
    publicUrl: (parsed.data.JUNCTION_PUBLIC_URL ?? `http://localhost:${parsed.data.PORT || 3000}`).replace(/\/+$/, ''),
    editorDir: parsed.data.JUNCTION_EDITOR_DIR ? resolve(parsed.data.JUNCTION_EDITOR_DIR) : BUILT_EDITOR,
  };
}
