/**
 * The editor end to end, in Chromium against a real Junction: a person builds the S1-style
 * flow by dragging from the palette, runs it, debugs it, fixes it and retries it.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { listen, type LocalServer } from '../../server/src/testing/http.ts';
import { startE2E, typeInCode, type E2E } from './harness.ts';

const chromium = inject('chromium');
const WORKFLOW = 'Big orders to ERP';
const HOOK_PATH = 'e2e-orders';

let e2e: E2E;
let page: Page;
let erp: LocalServer;
const erpCalls: { path: string; body: string }[] = [];

async function bodyOf(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
}

const node = (name: string) => page.getByTestId(`node-${name}`);
const handle = (name: string, kind: 'source' | 'target', port = 'main') => node(name).locator(`.react-flow__handle.${kind}[data-handleid="${port}"]`);
const inspector = () => page.getByTestId('inspector');

async function dragFromPalette(type: string, x: number, y: number) {
  await page.getByTestId(`palette-${type}`).dragTo(page.getByTestId('canvas'), { targetPosition: { x, y } });
}

async function connect(from: Locator, to: Locator) {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}


async function save() {
  await page.getByTestId('save').click();
  await expect.poll(() => page.locator('[data-sonner-toast]').filter({ hasText: /Saved as version|Not saved/ }).count()).toBeGreaterThan(0);
}

const toastText = () => page.locator('[data-sonner-toast]').allInnerTexts();

describe.skipIf(!chromium)('the editor in Chromium', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    erp = await listen(async (request, response) => {
      const body = await bodyOf(request);
      erpCalls.push({ path: request.url ?? '', body });
      const fail = request.url?.startsWith('/fail');
      response.writeHead(fail ? 422 : 201, { 'content-type': 'application/json' });
      response.end(JSON.stringify(fail ? { error: 'unknown supplier' } : { purchaseOrder: `PO-${erpCalls.length}` }));
    });
    e2e = await startE2E();
    page = e2e.page;
    await e2e.signIn();
  }, 120_000);

  afterEach(async ({ task }) => e2e?.screenshotIfFailed(task));

  afterAll(async () => {
    await e2e?.close();
    await erp?.close();
  });

  it('builds webhook → fields → if → HTTP from the palette, runs it from the webhook and shows every step turn green', async () => {
    await page.goto(`${e2e.url}/`);
    await page.getByRole('button', { name: 'New workflow' }).click();
    await page.getByLabel('Name').fill(WORKFLOW);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('canvas').waitFor();

    await dragFromPalette('trigger.webhook', 60, 60);
    await dragFromPalette('transform.fields', 360, 60);
    await dragFromPalette('logic.if', 60, 300);
    await dragFromPalette('connector.http', 380, 300);
    for (const name of ['Webhook', 'Edit fields', 'If', 'HTTP request']) await expect.poll(() => node(name).count()).toBe(1);

    await connect(handle('Webhook', 'source'), handle('Edit fields', 'target'));
    await connect(handle('Edit fields', 'source'), handle('If', 'target'));
    await connect(handle('If', 'source', 'true'), handle('HTTP request', 'target'));
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(3);

    // A connection that would close a circle is refused, and says why.
    await connect(handle('HTTP request', 'source'), handle('Edit fields', 'target'));
    await expect.poll(toastText).toContainEqual(expect.stringContaining('would make a circle'));
    expect(await page.locator('.react-flow__edge').count()).toBe(3);

    await node('Webhook').click();
    await inspector().getByLabel(/^Path/).fill(HOOK_PATH);
    await expect(inspector().getByTestId('webhook-url').inputValue()).resolves.toBe(`${e2e.url}/hooks/${HOOK_PATH}`);

    await node('Edit fields').click();
    await inspector().getByRole('button', { name: 'Add', exact: true }).click();
    await inspector().getByLabel(/^Field/).fill('channel');
    await inspector().getByLabel(/^Value/).fill('web shop');

    await node('If').click();
    await inspector().getByRole('button', { name: 'Add', exact: true }).click();
    await inspector().getByLabel('Kind of value for Value').selectOption('expression');
    await typeInCode(inspector().locator('.cm-content[aria-label="Value"]'), '{{ $json.total }}');
    await expect.poll(() => inspector().locator('.cm-content[aria-label="Value"]').innerText()).toBe('{{ $json.total }}');
    await inspector().getByLabel(/^Comparison/).selectOption('gt');
    await inspector().getByLabel('Kind of value for Compare with').selectOption('number');
    await inspector().getByLabel(/^Compare with/).fill('1000');

    await node('HTTP request').click();
    await inspector().getByLabel(/^Method/).selectOption('POST');
    await inspector().getByLabel(/^URL/).fill(`${erp.url}/purchase-orders`);

    await save();
    expect(await toastText()).toContainEqual(expect.stringContaining('Saved as version 2'));
    await page.getByTestId('active-switch').click();
    await expect.poll(() => page.getByTestId('active-switch').getAttribute('data-state')).toBe('checked');
    await e2e.screenshot('editor-built');

    const answer = await fetch(`${e2e.url}/hooks/${HOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ total: 2500, sku: 'TEA-01' }) });
    expect(answer.status).toBe(202);
    for (const name of ['Webhook', 'Edit fields', 'If', 'HTTP request']) {
      await expect.poll(() => node(name).getAttribute('data-status'), { timeout: 20_000 }).toBe('succeeded');
    }
    expect(erpCalls).toHaveLength(1);
    expect(erpCalls[0]!.path).toBe('/purchase-orders');

    // The expression's preview is computed from what the node received in this run.
    await node('If').click();
    await expect.poll(() => inspector().getByTestId('expression-preview').innerText()).toContain('2500');
    // Autocomplete offers the fields this node received, by typing "$js".
    const expression = inspector().locator('.cm-content[aria-label="Value"]');
    await expression.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' $js');
    await expect.poll(() => page.locator('.cm-tooltip-autocomplete').innerText()).toContain('$json.sku');
    await page.keyboard.press('Escape');
    await typeInCode(expression, '{{ $json.total }}');

    await node('HTTP request').click();
    const data = page.getByTestId('step-data');
    await expect.poll(() => data.getByRole('table').innerText()).toContain('201');
    await data.getByRole('radio', { name: 'JSON' }).click();
    await expect.poll(() => data.locator('pre').innerText()).toContain('"purchaseOrder": "PO-1"');
    await data.getByRole('tab', { name: 'Input' }).click();
    await expect.poll(() => data.getByRole('tabpanel').innerText()).toContain('web shop');

    // Tidy up (auto-layout) puts the chain in order, left to right.
    await page.getByRole('button', { name: 'Tidy up' }).click();
    const xOf = async (name: string) => (await node(name).boundingBox())!.x;
    await expect
      .poll(async () => {
        const xs = [await xOf('Webhook'), await xOf('Edit fields'), await xOf('If'), await xOf('HTTP request')];
        return xs.every((x, i) => i === 0 || x > xs[i - 1]!);
      })
      .toBe(true);
    // Messages fade after a few seconds: the picture is of the editor, not of them.
    await expect.poll(() => page.locator('[data-sonner-toast]').count(), { timeout: 15_000 }).toBe(0);
    await e2e.screenshot('editor-run-output');
  });

  it('shows a failed step with its error and attempts, and retries the run from it after the node is fixed', async () => {
    await node('HTTP request').click();
    await inspector().getByLabel(/^URL/).fill(`${erp.url}/fail`);
    await save();
    await page.getByTestId('run-workflow').click();
    await typeInCode(page.locator('.cm-content[data-testid="sample-input"]'), '{ "total": 5000 }');
    await page.getByTestId('run-now').click();
    await expect.poll(() => node('HTTP request').getAttribute('data-status'), { timeout: 20_000 }).toBe('failed');
    await expect.poll(() => page.getByTestId('run-banner').getAttribute('data-status')).toBe('failed');
    await node('HTTP request').click();
    await expect.poll(() => page.getByTestId('step-data').innerText()).toContain('answered 422');
    await e2e.screenshot('editor-run-failed');

    await inspector().getByLabel(/^URL/).fill(`${erp.url}/purchase-orders`);
    await save();
    // The sample input is remembered for this workflow.
    await page.getByTestId('run-workflow').click();
    await expect.poll(() => page.locator('.cm-content[data-testid="sample-input"]').innerText()).toContain('"total": 5000');
    await page.keyboard.press('Escape');
    await page.getByTestId('run-banner').getByRole('link', { name: 'Open run' }).click();
    await page.getByTestId('retry-latest').click();
    await expect.poll(() => page.getByTestId('run-banner').getAttribute('data-status'), { timeout: 20_000 }).toBe('succeeded');
    await expect.poll(() => node('HTTP request').getAttribute('data-status')).toBe('succeeded');
    // The steps before the failure kept their results: the ERP was called once more, not twice.
    expect(erpCalls.map((c) => c.path)).toEqual(['/purchase-orders', '/fail', '/purchase-orders']);
    await e2e.screenshot('run-detail');
  });

  it('finds the runs in the history with the filters', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Run history' }).click();
    await page.getByTestId('filter-workflow').selectOption({ label: WORKFLOW });
    await page.getByTestId('filter-status').selectOption('failed');
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(1);
    expect(await page.getByTestId('run-row').innerText()).toContain('answered 422');
    await page.getByTestId('filter-status').selectOption('succeeded');
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(2);
    await page.getByTestId('filter-status').selectOption('');
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(3);
    await e2e.screenshot('run-history');
    await page.getByTestId('run-row').first().getByRole('link').nth(1).click();
    await page.getByTestId('canvas').waitFor();
  });

  it('puts an invalid graph\'s problems on the right node and field, from the editor and from the server', async () => {
    await page.goto(`${e2e.url}/workflows`);
    await page.getByRole('link', { name: WORKFLOW }).click();
    await node('HTTP request').click();
    await inspector().getByLabel(/^URL/).fill('erp.example.com/po');
    await expect.poll(() => node('HTTP request').locator('.problem-badge').innerText()).toBe('1');
    expect(await node('If').locator('.problem-badge').count()).toBe(0);
    await expect.poll(() => inspector().locator('.field-error').allInnerTexts()).toContainEqual(expect.stringContaining('http:// or https://'));
    await page.getByTestId('save').click();
    await expect.poll(toastText).toContainEqual(expect.stringContaining('“HTTP request”, URL: Give a full address starting with http:// or https://'));
    await e2e.screenshot('editor-invalid');
  });

  it('undoes and redoes changes from the keyboard', async () => {
    const steps = page.locator('.react-flow__node-step');
    const before = await steps.count();
    await page.getByTestId('palette-logic.noop').click();
    await expect.poll(() => steps.count()).toBe(before + 1);
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => steps.count()).toBe(before);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => steps.count()).toBe(before + 1);
    // Undo all the way back to what was saved: the URL is valid again, the problem gone.
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await expect.poll(() => node('HTTP request').locator('.problem-badge').count()).toBe(0);
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await e2e.screenshot('shortcuts');
    await page.keyboard.press('Escape');
  });

  it('lists the saved versions and restores one as the newest', async () => {
    await page.getByRole('button', { name: 'Versions' }).click();
    const versions = page.getByRole('dialog', { name: 'Versions' });
    await expect.poll(() => versions.getByRole('listitem').count()).toBe(4);
    await versions.getByRole('listitem').filter({ hasText: 'Version 3' }).getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Restore' }).click();
    await expect.poll(toastText).toContainEqual(expect.stringContaining('Restored as version 5'));
    // Version 3 is the one whose ERP address was wrong.
    await node('HTTP request').click();
    await expect.poll(() => inspector().getByLabel(/^URL/).inputValue()).toBe(`${erp.url}/fail`);
    expect(await page.getByText('Unsaved changes').count()).toBe(0);
  });

  it('exports a workflow to a file and imports it back as the same graph', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Workflows' }).click();
    // Leaving with unsaved changes asks first.
    const leave = page.getByRole('alertdialog');
    if (await leave.isVisible().catch(() => false)) await leave.getByRole('button', { name: 'Leave without saving' }).click();
    const row = page.getByRole('row', { name: new RegExp(WORKFLOW) });
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: 'Export' }).click()]);
    const file = await download.path();
    const exported = JSON.parse(await readFile(file, 'utf8'));
    expect(exported).toMatchObject({ format: 'junction.workflow', name: WORKFLOW });
    await page.getByTestId('import-file').setInputFiles(file);
    await expect.poll(() => page.getByRole('row', { name: new RegExp(WORKFLOW) }).count()).toBe(2);
    const list = await (await e2e.api('/api/workflows')).json();
    const [a, b] = list.workflows.filter((w: { name: string }) => w.name === WORKFLOW);
    const graphOf = async (id: string) => (await (await e2e.api(`/api/workflows/${id}`)).json()).graph;
    expect(await graphOf(a.id)).toEqual(await graphOf(b.id));
    await e2e.screenshot('workflows');
  });

  it('speaks Traditional Chinese after the switch, node types included', async () => {
    await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-TW');
    await expect.poll(() => page.getByRole('navigation').innerText()).toContain('執行紀錄');
    await page.getByRole('link', { name: WORKFLOW }).first().click();
    await expect.poll(() => page.getByTestId('palette-logic.if').innerText()).toContain('條件判斷');
    await e2e.screenshot('editor-zh-TW');
    await page.getByRole('combobox', { name: '語言' }).selectOption('en');
  });
});
