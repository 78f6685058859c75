/**
 * End-to-end harness: a real Junction (API + worker, `startJunction`) on the test file's
 * own database, serving the built editor, and a headless Chromium driving it.
 *
 * The owner account and an API key come from the environment variables a deployment
 * would use (JUNCTION_OWNER_EMAIL/PASSWORD, JUNCTION_BOOTSTRAP_API_KEY): the browser signs
 * in through the real sign-in screen (`signIn`), and the test itself calls the API with
 * the key (`api`) to set things up and to check what the server holds.
 */
import { mkdir } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { loadConfig } from '../../server/src/config.ts';
import { createTestDatabase, type TestDatabase } from '../../server/src/db/testing/database.ts';
import { startJunction, type Junction } from '../../server/src/junction.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = join(root, '.test-artifacts');

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface Account {
  email: string;
  password: string;
}

/** The owner every end-to-end Junction starts with (unless asked to start with nobody). */
export const OWNER: Account & { name: string } = { email: 'owner@e2e.test', password: 'the e2e owner passphrase', name: 'owner' };
const API_KEY = 'e2e-bootstrap-key-0123456789abcdef0123456789';

export interface E2E {
  url: string;
  database: TestDatabase;
  junction: Junction;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Calls the API as the owner, with the bootstrap API key (JSON bodies given as objects). */
  api(path: string, init?: { method?: string; body?: unknown }): Promise<Response>;
  /** Signs in through the sign-in screen (the owner by default), and waits for the signed-in header. */
  signIn(account?: Account, on?: Page): Promise<void>;
  /** Saves a screenshot of the page (or of another person's) as .test-artifacts/<name>.png. */
  screenshot(name: string, of?: Page): Promise<void>;
  /** For afterEach: a failed test leaves a picture of the screen behind, to see what the person would have seen. */
  screenshotIfFailed(task: { name: string; result?: { state?: string } }): Promise<void>;
  close(): Promise<void>;
}

/** A port nothing listens on now (the system's choice), for a Junction that must know its address before it starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface E2EOptions {
  viewport?: { width: number; height: number };
  owner?: boolean;
  /**
   * Junction knows the address people reach it at (JUNCTION_PUBLIC_URL), as the links it
   * hands out (resume URLs) need: it listens on a port chosen before it starts.
   */
  publicUrl?: boolean;
  /** The browser's time zone (default: the machine's). */
  timezoneId?: string;
}

export async function startE2E(options: E2EOptions = {}): Promise<E2E> {
  const database = await createTestDatabase({ max: 4 });
  const withOwner = options.owner ?? true;
  const port = options.publicUrl ? await freePort() : 0;
  const config = loadConfig({
    DATABASE_URL: database.url,
    PORT: String(port),
    ...(options.publicUrl ? { JUNCTION_PUBLIC_URL: `http://127.0.0.1:${port}` } : {}),
    JUNCTION_WORKER_CONCURRENCY: '4',
    JUNCTION_LOG_LEVEL: 'warn',
    JUNCTION_EDITOR_DIR: join(root, 'editor', 'dist'),
    // The systems tests call (test connection, HTTP steps) listen on loopback: allowed as vitest.config.ts allows it.
    JUNCTION_OUTBOUND_ALLOW: process.env.JUNCTION_OUTBOUND_ALLOW,
    ...(withOwner ? { JUNCTION_OWNER_EMAIL: OWNER.email, JUNCTION_OWNER_PASSWORD: OWNER.password, JUNCTION_BOOTSTRAP_API_KEY: API_KEY } : {}),
  });
  const junction = await startJunction(config, 'all');
  const browser = await chromium.launch({ executablePath: inject('chromium'), headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 }, acceptDownloads: true, locale: 'en-GB', timezoneId: options.timezoneId });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await mkdir(ARTIFACTS, { recursive: true });
  const url = junction.url!;
  const screenshot = async (name: string, of: Page = page) => {
    await of.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  };
  return {
    url,
    database,
    junction,
    browser,
    context,
    page,
    api(path, init = {}) {
      const headers: Record<string, string> = { authorization: `Bearer ${API_KEY}` };
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      return fetch(`${url}${path}`, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    },
    async signIn(account = OWNER, on = page) {
      if (!on.url().startsWith(url)) await on.goto(`${url}/workflows`);
      const form = on.locator('form[aria-labelledby="sign-in-title"]');
      await form.getByLabel(/^E-mail/).fill(account.email);
      await form.getByLabel(/^Password/).fill(account.password);
      await form.getByRole('button', { name: 'Sign in' }).click();
      await on.getByTestId('user-menu').waitFor();
    },
    screenshot,
    async screenshotIfFailed(task) {
      if (task.result?.state === 'fail') await screenshot(`failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
    },
    async close() {
      await browser.close();
      await junction.stop();
      await database.drop();
      if (errors.length > 0) throw new Error(`The page had uncaught errors: ${errors.join('; ')}`);
    },
  };
}

/** Replaces the text of a CodeMirror editor (expression, JSON, code) by typing, as a person would. */
export async function typeInCode(editor: Locator, text: string): Promise<void> {
  await editor.click();
  await editor.page().keyboard.press('Control+A');
  await editor.page().keyboard.press('Delete');
  await editor.page().keyboard.insertText(text);
}
