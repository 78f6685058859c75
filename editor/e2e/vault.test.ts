/**
 * The vault and the keys, in Chromium against a real Junction: a credential made in the
 * editor signs an HTTP node's call to a local system that checks it, and its secret is
 * never seen again — not on screen, not in any answer the page receives; a webhook
 * trigger made to require a GitHub signature, with its secret made on the spot; an API
 * key shown once and revoked; variables; and the audit log that saw all of it.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Page, Response as PageResponse } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { listen, type LocalServer } from '../../server/src/testing/http.ts';
import { accessibilityViolations } from './accessibility.ts';
import { OWNER, startE2E, type E2E } from './harness.ts';

const chromium = inject('chromium');
/** A secret that must never come back: found anywhere in what the page shows or receives, the test fails. */
const CANARY = `canary-token-${randomUUID()}`;
const SIGNING_SECRET = `gh-signing-${randomUUID()}`;

let e2e: E2E;
let page: Page;
let shop: LocalServer;
const shopCalls: { path: string; authorization: string | undefined }[] = [];
/** Every answer the page got from the API, as text. */
const answers: string[] = [];

const toastText = () => page.locator('[data-sonner-toast]').allInnerTexts();
const inspector = () => page.getByTestId('inspector');

async function createWorkflow(name: string, graph: unknown): Promise<string> {
  const response = await e2e.api('/api/workflows', { method: 'POST', body: { name, graph } });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function save() {
  await page.getByTestId('save').click();
  await expect.poll(toastText).toContainEqual(expect.stringMatching(/Saved as version/));
}

describe.skipIf(!chromium)('credentials, API keys and the audit log in Chromium', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    // The shop's API: answers only to the right bearer token.
    shop = await listen((request, response) => {
      shopCalls.push({ path: request.url ?? '', authorization: request.headers.authorization });
      const ok = request.headers.authorization === `Bearer ${CANARY}`;
      response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      response.end(JSON.stringify(ok ? { orders: 3 } : { error: 'who are you?' }));
    });
    e2e = await startE2E();
    page = e2e.page;
    await e2e.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    page.on('response', (response: PageResponse) => {
      if (new URL(response.url()).pathname.startsWith('/api/')) void response.text().then((text) => answers.push(text), () => undefined);
    });
    await e2e.signIn();
  }, 120_000);

  afterEach(async ({ task }) => e2e?.screenshotIfFailed(task));

  afterAll(async () => {
    await e2e?.close();
    await shop?.close();
  });

  it('makes a credential, tests it, and an HTTP node uses it on a system that checks it; the secret is never shown again', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Credentials' }).click();
    await page.getByRole('button', { name: 'New credential' }).click();
    const dialog = page.getByRole('dialog', { name: 'New credential' });
    await dialog.getByLabel(/^Name/).fill('Shop API');
    await dialog.getByTestId('credential-type').selectOption('httpBearer');
    const token = dialog.getByLabel(/^Token/);
    expect(await token.getAttribute('type')).toBe('password');
    await token.fill(CANARY);
    await dialog.getByLabel(/^Only for these hosts/).fill('127.0.0.1');
    await dialog.getByLabel('Address to try it on').fill(`${shop.url}/ping`);
    await dialog.getByTestId('test-credential').click();
    await expect.poll(() => dialog.getByTestId('test-result').innerText()).toContain('It works.');
    expect(await accessibilityViolations(page), 'credential dialog').toEqual([]);
    await e2e.screenshot('credential-new');
    await dialog.getByTestId('save-credential').click();
    await expect.poll(() => page.getByTestId('credential-row').count()).toBe(1);
    expect(await page.getByTestId('credential-row').innerText()).toContain('Stored secret: Token');

    const id = await createWorkflow('Count shop orders', {
      nodes: [
        { id: 't', type: 'trigger.manual', name: 'Start', params: {}, position: [0, 0] },
        { id: 'h', type: 'connector.http', name: 'Ask the shop', params: { url: `${shop.url}/orders` }, position: [280, 0] },
      ],
      edges: [{ source: 't', target: 'h' }],
    });
    await page.goto(`${e2e.url}/workflows/${id}`);
    await page.getByTestId('node-Ask the shop').click();
    const picker = inspector().getByTestId('credential-credential');
    await expect.poll(() => picker.locator('option').allInnerTexts()).toEqual(['None', 'Shop API']);
    await picker.selectOption({ label: 'Shop API' });
    await e2e.screenshot('inspector-credential');
    await save();
    await page.getByTestId('run-workflow').click();
    await page.getByTestId('run-now').click();
    await expect.poll(() => page.getByTestId('node-Ask the shop').getAttribute('data-status'), { timeout: 20_000 }).toBe('succeeded');
    expect(shopCalls.filter((c) => c.path === '/orders').map((c) => c.authorization)).toEqual([`Bearer ${CANARY}`]);
    await page.getByTestId('node-Ask the shop').click();
    await expect.poll(() => page.getByTestId('step-data').innerText()).toContain('200');

    // Changing the credential: the secret's input is empty; a new name is saved without touching it.
    await page.getByRole('navigation').getByRole('link', { name: 'Credentials' }).click();
    await page.getByRole('button', { name: 'Change Shop API' }).click();
    const edit = page.getByRole('dialog', { name: 'Change “Shop API”' });
    expect(await edit.getByLabel(/^Token/).inputValue()).toBe('');
    expect(await edit.getByLabel(/^Token/).getAttribute('placeholder')).toContain('stored');
    await e2e.screenshot('credential-edit');
    await edit.getByLabel(/^Name/).fill('Shop API (orders)');
    await edit.getByTestId('save-credential').click();
    await expect.poll(() => page.getByTestId('credential-row').innerText()).toContain('Shop API (orders)');
    const runAgain = (await (await e2e.api(`/api/workflows/${id}/run`, { method: 'POST' })).json()) as { runId: string };
    await expect.poll(async () => ((await (await e2e.api(`/api/runs/${runAgain.runId}`)).json()) as { status: string }).status, { timeout: 20_000 }).toBe('succeeded');
    expect(shopCalls.at(-1)?.authorization).toBe(`Bearer ${CANARY}`);

    expect(await page.content()).not.toContain(CANARY);
    await expect.poll(() => answers.length).toBeGreaterThan(10);
    expect(answers.filter((text) => text.includes(CANARY))).toEqual([]);
    await e2e.screenshot('credentials');
  });

  it('makes a webhook require a GitHub signature, with the signing secret made on the spot', async () => {
    const id = await createWorkflow('GitHub pushes', {
      nodes: [
        { id: 'w', type: 'trigger.webhook', name: 'Push received', params: { path: 'github-pushes' }, position: [0, 0] },
        { id: 'n', type: 'logic.noop', name: 'Done', params: {}, position: [280, 0] },
      ],
      edges: [{ source: 'w', target: 'n' }],
    });
    await page.goto(`${e2e.url}/workflows/${id}`);
    await page.getByTestId('node-Push received').click();
    await inspector().getByTestId('webhook-auth-kind').selectOption('hmac');
    await inspector().getByTestId('webhook-auth-style').selectOption('github');
    await expect.poll(() => inspector().getByTestId('webhook-auth-summary').innerText()).toContain('X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>');
    expect(await inspector().getByTestId('webhook-auth-summary').innerText()).toContain('Each X-GitHub-Delivery is accepted once.');
    // Only a signing secret fits; there is none yet: make one here.
    await inspector().getByRole('button', { name: 'New…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New credential' });
    await expect.poll(() => dialog.getByTestId('credential-type').locator('option').allInnerTexts()).toEqual(['Webhook signing secret']);
    await dialog.getByLabel(/^Name/).fill('GitHub signing');
    await dialog.getByLabel(/^Signing secret/).fill(SIGNING_SECRET);
    await dialog.getByTestId('save-credential').click();
    await expect.poll(() => inspector().getByTestId('credential-credential').locator('option:checked').innerText()).toBe('GitHub signing');
    await e2e.screenshot('webhook-auth');
    await save();
    await page.getByTestId('active-switch').click();
    await expect.poll(() => page.getByTestId('active-switch').getAttribute('data-state')).toBe('checked');

    const body = JSON.stringify({ ref: 'refs/heads/main' });
    const post = (headers: Record<string, string>) => fetch(`${e2e.url}/hooks/github-pushes`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect((await post({})).status).toBe(401);
    const signature = `sha256=${createHmac('sha256', SIGNING_SECRET).update(body).digest('hex')}`;
    expect((await post({ 'x-hub-signature-256': signature, 'x-github-delivery': randomUUID() })).status).toBe(202);
    await expect.poll(() => page.getByTestId('node-Done').getAttribute('data-status'), { timeout: 20_000 }).toBe('succeeded');
  });

  it('creates an API key, shows it once with a copy button, lists when it was used, and revokes it', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'API keys' }).click();
    await page.getByRole('button', { name: 'New API key' }).click();
    const dialog = page.getByRole('dialog', { name: 'New API key' });
    await dialog.getByLabel(/^Name/).fill('ERP sync');
    // No wider than needed: this one may not manage users.
    await dialog.getByRole('checkbox', { name: /^Manage users/ }).uncheck();
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByRole('dialog', { name: 'Your new key “ERP sync”' });
    const key = await shown.getByTestId('new-api-key').inputValue();
    expect(key.length).toBeGreaterThan(30);
    await shown.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await e2e.screenshot('api-key-created');
    await shown.getByRole('button', { name: 'I have copied it' }).click();
    // Shown once: nowhere on the page any more.
    expect(await page.content()).not.toContain(key);

    const call = (path: string, method = 'GET') => fetch(`${e2e.url}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
    expect((await call('/api/workflows')).status).toBe(200);
    expect((await call('/api/users', 'POST')).status).toBe(403);
    const row = page.getByTestId('api-key-row').filter({ hasText: 'ERP sync' });
    await expect.poll(async () => (await page.reload(), await row.innerText()), { timeout: 15_000 }).not.toContain('Never used');
    expect(await row.innerText()).toContain('Everything you may do, except: Manage users');
    expect(await accessibilityViolations(page), 'api keys').toEqual([]);
    await e2e.screenshot('api-keys');

    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('alertdialog', { name: 'Revoke “ERP sync”?' }).getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => row.innerText()).toContain('Revoked');
    expect((await call('/api/workflows')).status).toBe(401);
  });

  it('keeps variables: an admin adds, changes and deletes them', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Variables' }).click();
    const form = page.getByRole('form', { name: 'Add variable' });
    await form.getByLabel(/^Name/).fill('ERP host');
    await form.getByRole('button', { name: 'Add variable' }).click();
    await expect.poll(() => form.locator('.field-error').innerText()).toContain('may contain only letters, digits and "_"');
    await form.getByLabel(/^Name/).fill('ERP_HOST');
    await form.getByLabel(/^Value/).fill('erp.shop.test');
    await form.getByRole('button', { name: 'Add variable' }).click();
    const row = page.getByTestId('variable-row').filter({ hasText: 'ERP_HOST' });
    await expect.poll(() => row.innerText()).toContain('erp.shop.test');
    await row.getByRole('button', { name: 'Change ERP_HOST' }).click();
    await page.getByRole('dialog', { name: 'Change ERP_HOST' }).getByLabel(/^Value/).fill('erp2.shop.test');
    await page.getByRole('dialog', { name: 'Change ERP_HOST' }).getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => row.innerText()).toContain('erp2.shop.test');
    expect(await accessibilityViolations(page), 'variables').toEqual([]);
    await e2e.screenshot('variables');
    await row.getByRole('button', { name: 'Delete ERP_HOST' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => row.count()).toBe(0);
  });

  it('lists all of it in the audit log, newest first, filtered, loading more as you scroll', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Audit log' }).click();
    const rows = page.getByTestId('audit-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(10);
    expect(await accessibilityViolations(page), 'audit log').toEqual([]);
    await expect.poll(() => page.locator('[data-sonner-toast]').count(), { timeout: 15_000 }).toBe(0);
    await e2e.screenshot('audit-log');
    // More entries than one page holds.
    for (let i = 0; i < 45; i++) await e2e.api('/api/variables', { method: 'POST', body: { key: `BULK_${i}`, value: String(i) } });
    await page.reload();
    await expect.poll(() => rows.count()).toBe(50);
    await rows.last().scrollIntoViewIfNeeded();
    await page.locator('.sentinel').scrollIntoViewIfNeeded();
    await expect.poll(() => rows.count()).toBeGreaterThan(50);
    const actions = await rows.evaluateAll((list) => list.map((row) => row.getAttribute('data-action')));
    for (const action of ['credential.create', 'credential.test', 'credential.update', 'workflow.run', 'workflow.activate', 'api_key.create', 'api_key.revoke', 'variable.delete', 'auth.sign_in']) {
      expect(actions, action).toContain(action);
    }
    // Newest first: the key was revoked after it was made.
    expect(actions.indexOf('api_key.revoke')).toBeLessThan(actions.indexOf('api_key.create'));

    await page.getByTestId('filter-action').selectOption('api_key.revoke');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain(OWNER.email);
    await page.getByTestId('filter-action').selectOption('');
    await page.getByTestId('filter-resource').selectOption('credential');
    await expect.poll(async () => [...new Set(await rows.evaluateAll((list) => list.map((row) => row.getAttribute('data-action')!.split('.')[0])))]).toEqual(['credential']);
    await page.getByTestId('filter-resource').selectOption('');
    await page.getByTestId('filter-actor').fill('nobody@else.test');
    await expect.poll(() => page.getByText('Nothing matches these filters.').count()).toBe(1);
    await page.getByTestId('filter-actor').fill('');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(50);
    // Nothing the page received held the credential's secret.
    expect(answers.filter((text) => text.includes(CANARY))).toEqual([]);
  });

  it('speaks Traditional Chinese on the vault screens', async () => {
    await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-TW');
    await page.getByRole('navigation').getByRole('link', { name: '憑證' }).click();
    await expect.poll(() => page.getByTestId('credentials').innerText()).toContain('Bearer 權杖');
    await e2e.screenshot('credentials-zh-TW');
    await page.getByRole('navigation').getByRole('link', { name: '稽核紀錄' }).click();
    await expect.poll(() => page.getByTestId('audit').innerText()).toContain('撤銷了 API 金鑰');
    await e2e.screenshot('audit-log-zh-TW');
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'API 金鑰' }).click();
    await expect.poll(() => page.getByTestId('api-keys').innerText()).toContain('已於');
    await e2e.screenshot('api-keys-zh-TW');
    await page.getByRole('combobox', { name: '語言' }).selectOption('en');
  });
});
