/**
 * Code and expressions against the sandbox, in Chromium against a real Junction: a Code
 * node written in the JavaScript editor (with Junction's names in its autocomplete) runs
 * and its console output is in the step's view; previews of `$node("…")`, `$vars` and
 * `$now` are computed on the server with the last run's data and the workflow's time zone.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startE2E, typeInCode, type E2E } from './harness.ts';

const chromium = inject('chromium');

let e2e: E2E;
let page: Page;
let workflowId: string;

const node = (name: string) => page.getByTestId(`node-${name}`);
const inspector = () => page.getByTestId('inspector');
const toastText = () => page.locator('[data-sonner-toast]').allInnerTexts();


async function runNow() {
  await page.getByTestId('run-workflow').click();
  await page.getByTestId('run-now').click();
}

describe.skipIf(!chromium)('code and expressions in Chromium', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    e2e = await startE2E();
    page = e2e.page;
    expect((await e2e.api('/api/variables', { method: 'POST', body: { key: 'SHOP_NAME', value: 'Tea House' } })).status).toBe(201);
    const created = await e2e.api('/api/workflows', {
      method: 'POST',
      body: {
        name: 'Price check',
        graph: {
          nodes: [
            { id: 't', type: 'trigger.manual', name: 'Start', params: {}, position: [0, 0] },
            { id: 'l', type: 'transform.fields', name: 'Lookup', params: { operations: [{ op: 'set', field: 'email', value: 'buyer@tea.test' }] }, position: [260, 0] },
          ],
          edges: [{ source: 't', target: 'l' }],
          settings: { timezone: 'Asia/Taipei', timeoutSeconds: 600 },
        },
      },
    });
    workflowId = ((await created.json()) as { id: string }).id;
    await e2e.signIn();
  }, 120_000);

  afterEach(async ({ task }) => e2e?.screenshotIfFailed(task));

  afterAll(async () => {
    await e2e?.close();
  });

  it('writes a Code node in the JavaScript editor, runs it, and shows what it wrote to the console', async () => {
    await page.goto(`${e2e.url}/workflows/${workflowId}`);
    await node('Lookup').click();
    await page.getByTestId('palette-code.javascript').click();
    await expect.poll(() => node('Code').count()).toBe(1);
    await node('Code').click();
    const code = inspector().locator('.cm-content[data-testid="code-code"]');
    await code.waitFor();
    // Code is code: no expression switch, and {{ }} in it would stay text.
    expect(await inspector().locator('[data-field="code"] .mode-toggle').count()).toBe(0);
    await typeInCode(code, "console.log('pricing', $input.all().length, 'items for', $vars.SHOP_NAME);\nconsole.warn('no discount today');\nreturn $input.all().map((item) => ({ json: { ...item.json, shop: $vars.SHOP_NAME } }));\n");
    // Autocomplete knows Junction's names, the variables among them.
    await page.keyboard.type('$va');
    await expect.poll(() => page.locator('.cm-tooltip-autocomplete').innerText()).toContain('$vars.SHOP_NAME');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('Dat');
    await expect.poll(() => page.locator('.cm-tooltip-autocomplete').innerText()).toContain('DateTime');
    await page.keyboard.press('Escape');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Backspace');
    await e2e.screenshot('code-node');

    await runNow();
    await expect.poll(() => node('Code').getAttribute('data-status'), { timeout: 20_000 }).toBe('succeeded');
    await node('Code').click();
    const data = page.getByTestId('step-data');
    await data.getByRole('tab', { name: /^Console/ }).click();
    await expect.poll(() => data.getByTestId('step-console').innerText()).toContain('pricing 1 items for Tea House');
    expect(await data.getByTestId('step-console').innerText()).toContain('no discount today');
    await e2e.screenshot('code-console');

    // The run's own page shows it too.
    await page.getByTestId('run-banner').getByRole('link', { name: 'Open run' }).click();
    await node('Code').click();
    await page.getByTestId('step-data').getByRole('tab', { name: /^Console/ }).click();
    await expect.poll(() => page.getByTestId('step-console').innerText()).toContain('pricing 1 items for Tea House');
  });

  it('previews $node("…"), $vars, $workflow and $now on the server, with the last run’s data and the workflow’s time zone', async () => {
    await page.goto(`${e2e.url}/workflows/${workflowId}`);
    await node('Code').click();
    await page.getByTestId('palette-transform.fields').click();
    await expect.poll(() => node('Edit fields').count()).toBe(1);
    await node('Edit fields').click();
    await inspector().getByRole('button', { name: 'Add', exact: true }).click();
    await inspector().getByLabel(/^Field/).fill('buyer');
    await inspector().getByLabel('Kind of value for Value').selectOption('expression');
    const value = inspector().locator('.cm-content[aria-label="Value"]');
    const preview = inspector().getByTestId('expression-preview');
    // This node has not run yet, but its parent has: the preview uses that run's output.
    await typeInCode(value, '{{ $node("Lookup").json.email }}');
    await expect.poll(() => preview.innerText()).toContain('"buyer@tea.test"');
    await e2e.screenshot('expression-preview-node');
    await typeInCode(value, '{{ $vars.SHOP_NAME }} / {{ $workflow.name }} / {{ $json.shop }}');
    await expect.poll(() => preview.innerText()).toContain('"Tea House / Price check / Tea House"');
    await typeInCode(value, '{{ $now.zoneName }} {{ $now.toISODate().length }}');
    await expect.poll(() => preview.innerText()).toContain('"Asia/Taipei 10"');
    // A mistake is said in words, not as a blank.
    await typeInCode(value, '{{ $node("Lookup").json.email.toUpperCase( }}');
    await expect.poll(() => preview.innerText()).toMatch(/SyntaxError|Unexpected|missing/i);
    await typeInCode(value, '{{ $node("Lookup").json.email }}');
    await page.getByTestId('save').click();
    await expect.poll(toastText).toContainEqual(expect.stringContaining('Saved as version'));
    await runNow();
    await expect.poll(() => node('Edit fields').getAttribute('data-status'), { timeout: 20_000 }).toBe('succeeded');
    await node('Edit fields').click();
    await expect.poll(() => page.getByTestId('step-data').innerText()).toContain('buyer@tea.test');
  });
});
