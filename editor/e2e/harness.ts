/**
 * End-to-end harness: a real Junction (API + worker, `startJunction`) on the test file's
 * own database, serving the built editor, and a headless Chromium driving it.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { loadConfig } from '../../server/src/config.ts';
import { createTestDatabase, type TestDatabase } from '../../server/src/db/testing/database.ts';
import { startJunction, type Junction } from '../../server/src/junction.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = join(root, '.test-artifacts');

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface E2E {
  url: string;
  database: TestDatabase;
  junction: Junction;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Saves a screenshot of the page as .test-artifacts/<name>.png. */
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startE2E(options: { viewport?: { width: number; height: number } } = {}): Promise<E2E> {
  const database = await createTestDatabase({ max: 4 });
  const config = loadConfig({
    DATABASE_URL: database.url,
    PORT: '0',
    JUNCTION_WORKER_CONCURRENCY: '4',
    JUNCTION_LOG_LEVEL: 'warn',
    JUNCTION_EDITOR_DIR: join(root, 'editor', 'dist'),
  });
  const junction = await startJunction(config, 'all');
  const browser = await chromium.launch({ executablePath: inject('chromium'), headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 }, acceptDownloads: true, locale: 'en-GB' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await mkdir(ARTIFACTS, { recursive: true });
  return {
    url: junction.url!,
    database,
    junction,
    browser,
    context,
    page,
    async screenshot(name) {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
    },
    async close() {
      await browser.close();
      await junction.stop();
      await database.drop();
      if (errors.length > 0) throw new Error(`The page had uncaught errors: ${errors.join('; ')}`);
    },
  };
}
