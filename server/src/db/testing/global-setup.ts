/**
 * vitest global setup: finds a PostgreSQL for the tests and builds a migrated template
 * database that each test file clones (`createTestDatabase`).
 *
 * PostgreSQL comes from JUNCTION_TEST_DATABASE_URL, else the local server at
 * 127.0.0.1:5432; without one (a fresh machine) an embedded PostgreSQL is started under
 * .data/test-postgres — except under CI=true, where a missing server fails the run.
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../client.ts';
import { migrate } from '../migrate.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../embedded.ts';
import { setLogLevel } from '../../log.ts';

// One template per test run, so that test runs of several checkouts can share a server.
const TEMPLATE_DATABASE = `junction_test_template_${process.pid}`;
const LOCAL_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabase: string;
  }
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch {
    // Not reachable is an answer here, not an error: the caller decides what follows.
    return false;
  } finally {
    await client.end().catch(() => undefined /* never connected */);
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export default async function setup(project: TestProject) {
  setLogLevel('warn');
  let embedded: EmbeddedDatabase | null = null;
  let adminUrl = process.env.JUNCTION_TEST_DATABASE_URL ?? LOCAL_URL;
  if (!(await reachable(adminUrl))) {
    if (process.env.CI === 'true' || process.env.JUNCTION_TEST_DATABASE_URL) {
      throw new Error(`The tests need PostgreSQL and none answers at ${adminUrl.replace(/:[^:@/]*@/, ':***@')}`);
    }
    const dataDir = resolve('.data/test-postgres');
    await rm(dataDir, { recursive: true, force: true });
    embedded = await startEmbeddedPostgres(dataDir);
    adminUrl = withDatabase(embedded.url, 'postgres');
  }

  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
  await admin.query(`create database ${TEMPLATE_DATABASE}`);
  await admin.end();
  const template = openDatabase(withDatabase(adminUrl, TEMPLATE_DATABASE), { max: 2 });
  await migrate(template);
  await template.close();

  project.provide('adminDatabaseUrl', adminUrl);
  project.provide('templateDatabase', TEMPLATE_DATABASE);
  return async () => {
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
    await cleanup.end();
    if (embedded) await embedded.stop();
  };
}
