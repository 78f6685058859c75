/**
 * What a new user met in the editor at 1280×800 — copy and paste on one canvas, renaming,
 * what a screen reader hears, the page's own scrolling, signing out and in — in Chromium
 * against a real Junction.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startE2E, type E2E } from './harness.ts';

const chromium = inject('chromium');

let e2e: E2E;
let page: Page;

async function createWorkflow(name: string, graph: unknown = { nodes: [], edges: [] }): Promise<string> {
  const response = await e2e.api('/api/workflows', { method: 'POST', body: { name, graph } });
  return ((await response.json()) as { id: string }).id;
}

const steps = () => page.locator('.react-flow__node-step');

describe.skipIf(!chromium)('a new user in the editor', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    e2e = await startE2E();
    page = e2e.page;
    await e2e.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await e2e.signIn();
  }, 120_000);

  afterEach(async ({ task }) => e2e?.screenshotIfFailed(task));

  afterAll(async () => {
    await e2e?.close();
  });

  it('pastes a copied node after a click on an empty spot of the same canvas', async () => {
    const id = await createWorkflow('Paste here', { nodes: [{ id: 't', type: 'trigger.manual', name: 'Start', position: [0, 0] }], edges: [] });
    await page.goto(`${e2e.url}/workflows/${id}`);
    await steps().first().click();
    await page.keyboard.press('Control+c');
    await expect.poll(() => page.getByText('Copied 1 node').count()).toBe(1);
    // Having been somewhere else first — the node search — must not matter once the canvas is clicked.
    await page.getByLabel('Search nodes').click();
    await page.locator('.react-flow__pane').click({ position: { x: 300, y: 420 } });
    await page.keyboard.press('Control+v');
    await expect.poll(() => steps().count()).toBe(2);
    // The focus may end up outside the canvas (on the toolbar's switch here): the last click still says where paste goes.
    await page.evaluate(() => document.querySelector<HTMLElement>('.toolbar button')!.focus());
    await page.keyboard.press('Control+v');
    await expect.poll(() => steps().count()).toBe(3);
  });

  it('shows a workflow renamed on the list under its new name when it is opened again', async () => {
    const id = await createWorkflow('Nightly stock sync');
    await page.goto(`${e2e.url}/workflows/${id}`);
    await expect.poll(() => page.locator('.workflow-name').innerText()).toBe('Nightly stock sync');
    // Back to the list and in again without loading the page: the editor's cached copy is what goes stale.
    await page.locator('.toolbar-title').getByRole('link', { name: 'Workflows' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Nightly stock sync' });
    await row.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('Stock sync at 02:00');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await page.getByRole('link', { name: 'Stock sync at 02:00' }).click();
    await expect.poll(() => page.locator('.workflow-name').innerText()).toBe('Stock sync at 02:00');
  });

  it('names connections by their nodes, labels the canvas controls and toasts in the chosen language, and shows where the focus is', async () => {
    const id = await createWorkflow('Announced', {
      nodes: [
        { id: 't', type: 'trigger.manual', name: 'Start', position: [0, 0] },
        { id: 'i', type: 'logic.if', name: 'Big order?', params: { conditions: [{ left: '{{ $json.total }}', op: 'equals', right: 1000 }] }, position: [280, 0] },
        { id: 'n', type: 'logic.noop', name: 'Done', position: [560, 0] },
      ],
      edges: [
        { source: 't', target: 'i' },
        { source: 'i', sourcePort: 'true', target: 'n' },
      ],
    });
    await page.goto(`${e2e.url}/workflows/${id}`);
    await steps().first().waitFor();
    const labels = () => page.locator('.react-flow__edge').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')).sort());
    await expect.poll(labels).toEqual(['Connection from Big order? (true) to Done', 'Connection from Start to Big order?']);
    expect(await page.locator('.react-flow__controls button').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).toEqual(['Zoom in', 'Zoom out', 'Zoom to fit']);

    // The focus ring: a node reached with Tab draws an outline; a connection draws its line in the focus colour.
    await steps().first().focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Shift+Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe('solid');
    await page.locator('.react-flow__edge').first().focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const stroke = await page.evaluate(() => getComputedStyle(document.activeElement!.querySelector('.react-flow__edge-path')!).strokeWidth);
    expect(stroke).toBe('3px');

    await page.getByLabel('Language').selectOption('zh-TW');
    await expect.poll(labels).toEqual(['從「Big order?」（成立）到「Done」的連線', '從「Start」到「Big order?」的連線'].sort());
    expect(await page.locator('.react-flow__controls button').first().getAttribute('aria-label')).toBe('放大');
    expect(await page.locator('section[aria-label^="通知"]').count()).toBe(1);
    await page.getByLabel('語言').selectOption('en');
  });

  it('fits 1280×800 with an HTTP node selected, and keeps the run data table\'s column names whole', async () => {
    const order = { order: 'SO-1042', customer: 'Lin', status: 'shipped', qty: 3, sku: 'TEA-250', warehouse: 'Taoyuan', carrier: 'HCT', tracking: '8123' };
    const id = await createWorkflow('Fits the screen', {
      nodes: [
        { id: 't', type: 'trigger.manual', name: 'Start', position: [0, 0] },
        {
          id: 'f',
          type: 'transform.fields',
          name: 'Order lines',
          params: { operations: Object.entries(order).map(([field, value]) => ({ op: 'set', field, value })) },
          position: [280, 0],
        },
        {
          id: 'h',
          type: 'connector.http',
          name: 'Post to ERP',
          params: { url: 'https://erp.example.com/po', method: 'POST', headers: [{ name: 'Accept', value: 'application/json' }, { name: 'X-Shop', value: 'taipei' }] },
          position: [560, 0],
        },
      ],
      edges: [{ source: 't', target: 'f' }],
    });
    await page.goto(`${e2e.url}/workflows/${id}`);
    await page.getByTestId('node-Post to ERP').click();
    await page.locator('.inspector input').first().waitFor();
    const overflow = () => page.evaluate(() => document.scrollingElement!.scrollHeight - window.innerHeight);
    expect(await overflow()).toBe(0);

    await page.getByRole('button', { name: 'Run workflow' }).click();
    await page.getByTestId('run-now').click();
    await page.getByTestId('node-Order lines').click();
    const headers = page.locator('.inspector .data-table th');
    await expect.poll(() => headers.count()).toBe(9);
    // One line of text each: a header broken mid-word ("ST/AT/US") has a line box per piece.
    const lines = await headers.evaluateAll((ths) =>
      ths.map((th) => {
        const range = document.createRange();
        range.selectNodeContents(th);
        return [th.textContent, range.getClientRects().length];
      }),
    );
    expect(lines).toEqual(lines.map(([text]) => [text, 1]));
    expect(await overflow()).toBe(0);
  });

  it('leaves nothing of the last person on the sign-in screen, and takes the next one where their role may go', async () => {
    const vera = { name: 'Vera Viewer', email: 'vera@e2e.test', password: 'vera viewer passphrase' };
    await page.goto(`${e2e.url}/users`);
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel(/^Name/).fill(vera.name);
    await dialog.getByLabel(/^E-mail/).fill(vera.email);
    await dialog.getByTestId('new-user-role').selectOption('viewer');
    await dialog.getByLabel(/^First password/).fill(vera.password);
    await dialog.getByRole('button', { name: 'Create user' }).click();
    const toasts = page.locator('[data-sonner-toast]');
    await expect.poll(() => toasts.filter({ hasText: 'Created Vera Viewer' }).count()).toBe(1);

    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.locator('form[aria-labelledby="sign-in-title"]').waitFor();
    // Gone at once (the closing animation aside), not when the toast would have timed out by itself (4 s).
    await expect.poll(() => toasts.count(), { timeout: 1500 }).toBe(0);

    // Still at /users, the owner's last page, which a viewer's role does not open.
    expect(new URL(page.url()).pathname).toBe('/users');
    await e2e.signIn(vera);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/workflows');
    expect(await page.getByRole('heading', { name: 'Your role does not open this screen' }).count()).toBe(0);

    // A page the next person may open is kept.
    await page.goto(`${e2e.url}/runs`);
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await e2e.signIn();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/runs');
  });

  it('brings a node added from the palette into view', async () => {
    const id = await createWorkflow('Grows to the right', { nodes: [{ id: 't', type: 'trigger.manual', name: 'Start', position: [0, 0] }], edges: [] });
    await page.goto(`${e2e.url}/workflows/${id}`);
    await steps().first().click();
    // Added after the selected node, 280 px to its right: past the canvas's edge at the opening zoom.
    await page.getByTestId('palette-logic.noop').click();
    await expect.poll(() => steps().count()).toBe(2);
    const canvas = (await page.locator('.react-flow').boundingBox())!;
    await expect
      .poll(async () => {
        const node = (await page.getByTestId('node-No operation').boundingBox())!;
        return node.x >= canvas.x && node.y >= canvas.y && node.x + node.width <= canvas.x + canvas.width && node.y + node.height <= canvas.y + canvas.height;
      })
      .toBe(true);
  });

  it('recovers a tab left open across an update: one reload, then "Junction was updated" with a Reload button', async () => {
    const id = await createWorkflow('Opened after an update');
    await page.goto(`${e2e.url}/workflows`);
    // The new build has other chunk names: the old tab's editor chunk is gone.
    const gone = (url: URL) => /\/assets\/EditorPage-[^/]+\.js$/.test(url.pathname);
    await page.route(gone, (route) => route.fulfill({ status: 404, body: 'Not found' }));
    const loads: string[] = [];
    const onLoad = () => loads.push(page.url());
    page.on('load', onLoad);
    try {
      await page.getByRole('link', { name: 'Opened after an update' }).click();
      // The page reloaded once by itself; the chunk is still missing, so it says what happened instead of looping.
      await page.getByRole('heading', { name: 'Junction was updated' }).waitFor();
      expect(loads).toEqual([`${e2e.url}/workflows/${id}`]);
      await page.unroute(gone);
      await page.getByRole('button', { name: 'Reload' }).click();
      await expect.poll(() => page.locator('.workflow-name').count()).toBe(1);
    } finally {
      page.off('load', onLoad);
      await page.unroute(gone);
    }
  });
});
