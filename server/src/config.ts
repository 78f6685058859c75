/**
 * Junction's configuration, read from the environment once. Nothing else reads
 * `process.env`. A bad value stops start-up with a message naming the variable.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const Bytes = z.coerce.number().int().positive();

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
  JUNCTION_HEARTBEAT_MS: z.coerce.number().int().min(100).default(2000),
  JUNCTION_DEAD_AFTER_MS: z.coerce.number().int().min(500).default(10_000),
  JUNCTION_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** The built editor served at `/` (default: editor/dist of this checkout). */
  JUNCTION_EDITOR_DIR: z.string().optional(),
});

export type Config = z.infer<typeof ConfigSchema> & { dataDir: string; editorDir: string };

const BUILT_EDITOR = fileURLToPath(new URL('../../editor/dist', import.meta.url));

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
    editorDir: parsed.data.JUNCTION_EDITOR_DIR ? resolve(parsed.data.JUNCTION_EDITOR_DIR) : BUILT_EDITOR,
  };
}
