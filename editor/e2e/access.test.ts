/**
 * Who may do what, in Chromium against a real Junction that starts with no account at
 * all: the first visitor creates the owner; the owner adds people with roles; a viewer
 * sees everything read-only; an editor sees no admin screen and gets a workflow shared
 * with them; a session that ends mid-work asks for the password and keeps the work; too
 * many wrong passwords lock an account, readably — and the new screens speak Chinese.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessibilityViolations } from './accessibility.ts';
import { startE2E, type Account, type E2E } from './harness.ts';

const chromium = inject('chromium');

const OWNER = { name: 'Olivia Owner', email: 'olivia@shop.test', password: 'a long first-start passphrase' };
const VIEWER: Account & { name: string } = { name: 'Victor Viewer', email: 'victor@shop.test', password: 'viewer passphrase 1' };
const EDITOR: Account & { name: string } = { name: 'Erin Editor', email: 'erin@shop.test', password: 'editor passphrase 1' };

let e2e: E2E;
let page: Page;
let workflowId: string;

/** The owner's session, for API calls made the way the editor makes them (cookie + CSRF header). */
async function ownerApi(path: string, body?: unknown): Promise<Response> {
  return page.evaluate(
    async ({ path, body }) => {
      const me = (await (await fetch('/api/me')).json()) as { csrfToken: string };
      const init: RequestInit = body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: JSON.stringify(body) };
      const response = await fetch(path, init);
      return { status: response.status, text: await response.text() };
    },
    { path, body },
  ).then(({ status, text }) => new Response(text, { status }));
}

/** Another person in their own browser (own cookies), signed in through the sign-in screen. */
async function personIn(browser: Browser, account: Account): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
  const other = await context.newPage();
  await e2e.signIn(account, other);
  return { context, page: other };
}

const toastText = () => page.locator('[data-sonner-toast]').allInnerTexts();

describe.skipIf(!chromium)('accounts and roles in Chromium', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    e2e = await startE2E({ owner: false });
    page = e2e.page;
  }, 120_000);

  afterEach(async ({ task }) => e2e?.screenshotIfFailed(task));

  afterAll(async () => {
    await e2e?.close();
  });

  it('on first start, creates the owner from the setup screen and is signed in; signs out and in again', async () => {
    await page.goto(`${e2e.url}/workflows`);
    const setup = page.locator('form[aria-labelledby="setup-title"]');
    await setup.waitFor();
    expect(await accessibilityViolations(page), 'setup').toEqual([]);
    await e2e.screenshot('setup');
    await setup.getByLabel(/^Your name/).fill(OWNER.name);
    await setup.getByLabel(/^E-mail/).fill(OWNER.email);
    await setup.getByLabel(/^New password( \*)?$/).fill('too short');
    await setup.getByRole('button', { name: 'Create the owner and sign in' }).click();
    await expect.poll(() => setup.innerText()).toContain('The password needs at least 12 characters');
    await setup.getByLabel(/^New password( \*)?$/).fill(OWNER.password);
    await setup.getByLabel(/^New password again/).fill(OWNER.password);
    await setup.getByRole('button', { name: 'Create the owner and sign in' }).click();
    // Signed in, on the page that was asked for.
    await expect.poll(() => page.getByTestId('user-menu').innerText()).toContain(OWNER.name);
    expect(new URL(page.url()).pathname).toBe('/workflows');
    expect(await page.getByRole('heading', { name: 'Workflows' }).count()).toBe(1);
    // The setup is done: nobody else can make themselves owner.
    expect(await (await fetch(`${e2e.url}/api/setup`)).json()).toEqual({ needed: false });

    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    const signIn = page.locator('form[aria-labelledby="sign-in-title"]');
    await signIn.waitFor();
    expect((await (await fetch(`${e2e.url}/api/workflows`)).json()).error.code).toBe('unauthenticated');
    await signIn.getByLabel(/^E-mail/).fill(OWNER.email);
    await signIn.getByLabel(/^Password/).fill('not the password');
    await signIn.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByTestId('sign-in-error').innerText()).toBe('The e-mail or the password is not right.');
    expect(await accessibilityViolations(page), 'sign-in').toEqual([]);
    await e2e.screenshot('sign-in');
    await e2e.signIn(OWNER);
  });

  it('adds an editor and a viewer with roles and first passwords; changes a role; the owner cannot be changed', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
    const rows = page.getByTestId('user-row');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('The owner cannot be changed');
    for (const [person, role] of [
      [VIEWER, 'editor'],
      [EDITOR, 'editor'],
    ] as const) {
      await page.getByRole('button', { name: 'New user' }).click();
      const dialog = page.getByRole('dialog', { name: 'New user' });
      await dialog.getByLabel(/^Name/).fill(person.name);
      await dialog.getByLabel(/^E-mail/).fill(person.email);
      await dialog.getByTestId('new-user-role').selectOption(role);
      await dialog.getByLabel(/^First password/).fill(person.password);
      await dialog.getByRole('button', { name: 'Create user' }).click();
      await expect.poll(() => rows.filter({ hasText: person.email }).count()).toBe(1);
    }
    // Victor was made an editor by mistake: make him a viewer.
    await page.getByLabel(`Role of ${VIEWER.name}`).selectOption('viewer');
    await expect.poll(toastText).toContainEqual(expect.stringContaining(`${VIEWER.name} is now Viewer`));
    const users = (await (await ownerApi('/api/users')).json()) as { users: { email: string; role: string }[] };
    expect(users.users.map((u) => [u.email, u.role]).sort()).toEqual([
      [EDITOR.email, 'editor'],
      [OWNER.email, 'owner'],
      [VIEWER.email, 'viewer'],
    ]);
    // Disable asks first, and can be undone.
    await rows.filter({ hasText: EDITOR.email }).getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Disable' }).click();
    await expect.poll(() => rows.filter({ hasText: EDITOR.email }).innerText()).toContain('Disabled');
    await rows.filter({ hasText: EDITOR.email }).getByRole('button', { name: 'Enable' }).click();
    await expect.poll(() => rows.filter({ hasText: EDITOR.email }).innerText()).toContain('Active');
    expect(await accessibilityViolations(page), 'users').toEqual([]);
    await e2e.screenshot('users');
  });

  it('shares a workflow with the editor, who sees it — and no admin screen', async () => {
    const created = (await (await ownerApi('/api/workflows', {
      name: 'Restock tea',
      graph: {
        nodes: [
          { id: 't', type: 'trigger.manual', name: 'Start', params: {}, position: [0, 0] },
          { id: 'f', type: 'transform.fields', name: 'Tag', params: { operations: [{ op: 'set', field: 'tag', value: 'restock' }] }, position: [280, 0] },
        ],
        edges: [{ source: 't', target: 'f' }],
      },
    })).json()) as { id: string };
    workflowId = created.id;
    await ownerApi(`/api/workflows/${workflowId}/run`, { sku: 'TEA-01' });
    await page.goto(`${e2e.url}/workflows/${workflowId}`);
    await page.getByTestId('share').click();
    const dialog = page.getByRole('dialog', { name: 'Share “Restock tea”' });
    await dialog.getByRole('checkbox', { name: new RegExp(EDITOR.name) }).check();
    await e2e.screenshot('share-dialog');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(toastText).toContainEqual(expect.stringContaining('Shared with 1 person'));

    const editor = await personIn(e2e.browser, EDITOR);
    try {
      const nav = editor.page.getByRole('navigation');
      await expect.poll(() => nav.getByRole('link').allInnerTexts()).toEqual(['Workflows', 'Run history', 'Credentials', 'Variables']);
      await expect.poll(() => editor.page.getByRole('link', { name: 'Restock tea' }).count()).toBe(1);
      // An admin screen opened by its address says so, instead of failing.
      await editor.page.goto(`${e2e.url}/users`);
      await editor.page.getByRole('heading', { name: 'Your role does not open this screen' }).waitFor();
    } finally {
      await editor.context.close();
    }
  });

  it('shows a viewer every workflow and run read-only: no palette, no save, no run, nothing changes', async () => {
    const viewer = await personIn(e2e.browser, VIEWER);
    const p = viewer.page;
    try {
      await expect.poll(() => p.getByRole('navigation').getByRole('link').allInnerTexts()).toEqual(['Workflows', 'Run history']);
      await expect.poll(() => p.getByRole('link', { name: 'Restock tea' }).count()).toBe(1);
      expect(await p.getByRole('button', { name: 'New workflow' }).count()).toBe(0);
      expect(await p.getByRole('switch', { name: 'Active: Restock tea' }).isDisabled()).toBe(true);

      const writes: string[] = [];
      p.on('request', (request) => {
        if (request.method() !== 'GET') writes.push(`${request.method()} ${new URL(request.url()).pathname}`);
      });
      await p.getByRole('link', { name: 'Restock tea' }).click();
      await p.getByTestId('canvas').waitFor();
      await p.getByTestId('read-only').waitFor();
      for (const gone of ['save', 'run-workflow', 'share']) expect(await p.getByTestId(gone).count(), gone).toBe(0);
      expect(await p.getByRole('complementary', { name: 'Nodes' }).count()).toBe(0);
      expect(await p.getByRole('button', { name: 'Tidy up' }).count()).toBe(0);
      await p.getByTestId('node-Tag').click();
      const inspector = p.getByTestId('inspector');
      expect(await inspector.getByLabel('Name', { exact: true }).isDisabled()).toBe(true);
      expect(await inspector.getByRole('button', { name: 'Add', exact: true }).count()).toBe(0);
      // Keys that change things do nothing.
      await p.locator('.react-flow__pane').click({ position: { x: 300, y: 400 } });
      await p.getByTestId('node-Tag').click();
      for (const key of ['Delete', 'Control+s', 'Control+Enter', 'Shift+N', 'Shift+L']) await p.keyboard.press(key);
      await expect.poll(() => p.getByTestId('node-Tag').count()).toBe(1);
      expect(await p.getByText('Unsaved changes').count()).toBe(0);
      await p.getByRole('button', { name: 'Versions' }).click();
      expect(await p.getByRole('dialog', { name: 'Versions' }).getByRole('button', { name: 'Restore' }).count()).toBe(0);
      await p.keyboard.press('Escape');
      await e2e.screenshot('viewer-read-only', p);
      // Run history and a run, without retry or cancel.
      await p.getByRole('navigation').getByRole('link', { name: 'Run history' }).click();
      await p.getByTestId('run-row').first().getByRole('link').nth(1).click();
      await p.getByTestId('canvas').waitFor();
      expect(await p.getByRole('button', { name: /Retry/ }).count()).toBe(0);
      // The run's data is there to read.
      await p.getByTestId('node-Tag').click();
      await expect.poll(() => p.getByTestId('step-data').innerText()).toContain('restock');
      expect(writes).toEqual([]);
      // And the server says no to a viewer's write, whatever the page shows.
      const refused = await p.evaluate(async (id) => {
        const me = (await (await fetch('/api/me')).json()) as { csrfToken: string };
        const response = await fetch(`/api/workflows/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: '{"name":"Mine now"}' });
        return response.status;
      }, workflowId);
      expect(refused).toBe(403);
    } finally {
      await viewer.context.close();
    }
  });

  it('asks for the password again when the session ends mid-work, and keeps the unsaved change', async () => {
    await page.goto(`${e2e.url}/workflows/${workflowId}`);
    await page.getByTestId('node-Tag').click();
    await page.getByTestId('inspector').getByLabel('Name', { exact: true }).fill('Tag for restock');
    // The session ends (as when it expires, or the password is changed elsewhere).
    await e2e.context.clearCookies();
    await page.getByTestId('save').click();
    const dialog = page.getByRole('dialog', { name: 'Please sign in again' });
    await dialog.waitFor();
    expect(await dialog.getByLabel(/^E-mail/).inputValue()).toBe(OWNER.email);
    await dialog.getByLabel(/^Password/).fill(OWNER.password);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.waitFor({ state: 'detached' });
    // Still here, with the change: saving now works.
    expect(await page.getByTestId('inspector').getByLabel('Name', { exact: true }).inputValue()).toBe('Tag for restock');
    await page.getByTestId('save').click();
    await expect.poll(async () => ((await (await ownerApi(`/api/workflows/${workflowId}`)).json()) as { graph: { nodes: { name: string }[] } }).graph.nodes.map((n) => n.name)).toContain('Tag for restock');
  });

  it('changes the password under My account', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'My account' }).click();
    await page.getByLabel(/^Current password/).fill('wrong one');
    await page.getByLabel(/^New password( \*)?$/).fill('a brand new passphrase');
    await page.getByLabel(/^New password again/).fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => page.locator('.field-error').allInnerTexts()).toContain('The current password is not right.');
    await page.getByLabel(/^Current password/).fill(OWNER.password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(toastText).toContainEqual(expect.stringContaining('Password changed'));
    OWNER.password = 'a brand new passphrase';
    expect(await accessibilityViolations(page), 'account').toEqual([]);
    await e2e.screenshot('account');
  });

  it('keeps saving when the session was renewed in another tab (a new CSRF token)', async () => {
    // On a screen that asks the server nothing more (no request may race the sign-in below with the old cookie).
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'My account' }).click();
    await page.getByRole('heading', { name: 'Change password' }).waitFor();
    const other = await e2e.context.newPage();
    await other.goto(`${e2e.url}/api/health`);
    // A sign-in there replaces this browser's session (and its CSRF token) for every tab.
    const status = await other.evaluate(
      async (account) => (await fetch('/api/auth/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(account) })).status,
      { email: OWNER.email, password: OWNER.password },
    );
    expect(status).toBe(200);
    await other.close();
    await page.getByRole('navigation').getByRole('link', { name: 'Workflows' }).click();
    await page.getByRole('link', { name: 'Restock tea' }).click();
    await page.getByTestId('node-Tag for restock').click();
    await page.getByTestId('inspector').getByLabel('Name', { exact: true }).fill('Tag it');
    await page.getByTestId('save').click();
    await expect.poll(toastText).toContainEqual(expect.stringContaining('Saved as version'));
    expect(await page.getByRole('dialog', { name: 'Please sign in again' }).count()).toBe(0);
  });

  it('slows an account down after too many wrong passwords, says for how long, and lets its owner in after the wait', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    const p = await context.newPage();
    try {
      await p.goto(`${e2e.url}/workflows`);
      const form = p.locator('form[aria-labelledby="sign-in-title"]');
      await form.getByLabel(/^E-mail/).fill(VIEWER.email);
      const error = p.getByTestId('sign-in-error');
      const slowed = /^Too many wrong passwords: wait (\d+) seconds?, then try again\.$/;
      /** A wrong guess: the server's status, once the screen says what it answered. */
      const guess = async (attempt: number) => {
        await form.getByLabel(/^Password/).fill(`guess number ${attempt}`);
        const answered = p.waitForResponse((response) => response.url().endsWith('/api/auth/sign-in'));
        await form.getByRole('button', { name: 'Sign in' }).click();
        const status = (await answered).status();
        await expect.poll(() => error.innerText()).toMatch(status === 429 ? slowed : /^The e-mail or the password is not right\.$/);
        return status;
      };
      for (let attempt = 1; attempt <= 5; attempt++) expect(await guess(attempt)).toBe(401);
      // Then each guess must wait: 1 s after the fifth wrong password, 2 s after a sixth (a slow hand may be let in once more).
      let status = 401;
      for (let attempt = 6; attempt <= 8 && status !== 429; attempt++) status = await guess(attempt);
      expect(status).toBe(429);
      const said = await error.innerText();
      await e2e.screenshot('sign-in-slowed', p);
      // After the wait, the right password gets in.
      await p.waitForTimeout(Number(slowed.exec(said)![1]) * 1000 + 200);
      await form.getByLabel(/^Password/).fill(VIEWER.password);
      await form.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => form.count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('speaks Traditional Chinese on the new screens', async () => {
    await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-TW');
    const nav = page.getByRole('navigation');
    await expect.poll(() => nav.getByRole('link').allInnerTexts()).toEqual(['工作流程', '執行紀錄', '憑證', '變數', '使用者', '稽核紀錄']);
    await nav.getByRole('link', { name: '使用者' }).click();
    await expect.poll(() => page.getByTestId('users').innerText()).toContain('擁有者無法變更');
    await e2e.screenshot('users-zh-TW');
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '我的帳號' }).click();
    await page.getByRole('heading', { name: '變更密碼' }).waitFor();
    await e2e.screenshot('account-zh-TW');
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '登出' }).click();
    await page.getByRole('heading', { name: '登入 Junction' }).waitFor();
    await e2e.screenshot('sign-in-zh-TW');
    await page.getByRole('combobox', { name: '語言' }).selectOption('en');
  });
});
