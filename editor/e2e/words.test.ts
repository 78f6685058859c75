/**
 * What new users read, in Chromium against a real Junction at 1280×800: a shop owner in
 * Taipei reads the inspector's field problems and the server's refusals in Traditional
 * Chinese, and long addresses, header lists and error sentences stay inside the inspector
 * (wrapped, or scrolled in their own box) instead of pushing it sideways; a viewer, who
 * may not read credential types, still reads their names.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startE2E, type E2E } from './harness.ts';

const chromium = inject('chromium');

let e2e: E2E;
let page: Page;

const LONG_PATH = `orders/${'a'.repeat(180)}`;
const LONG_URL = `https://erp.example.com/api/purchase-orders/${'segment-without-breaks'.repeat(12)}?supplier=${'x'.repeat(120)}`;
const inspector = () => page.getByTestId('inspector');

async function createWorkflow(name: string, graph: unknown): Promise<string> {
  const response = await e2e.api('/api/workflows', { method: 'POST', body: { name, graph } });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const node = (id: string, type: string, name: string, params: Record<string, unknown>, x: number) => ({ id, type, name, params, position: [x, 0], onError: 'stop' });

/** Start → an HTTP call to `url` → an If on the order's total: the shop's flow in Taipei. */
const orderFlow = (httpName: string, url: string, ifName: string) => ({
  schemaVersion: 1,
  nodes: [
    node('start', 'trigger.manual', 'Start', {}, 0),
    node('erp', 'connector.http', httpName, { method: 'GET', url }, 300),
    node('big', 'logic.if', ifName, { conditions: [{ left: '{{ $json.total }}', op: 'gt', right: 100 }] }, 600),
  ],
  edges: [
    { source: 'start', sourcePort: 'main', target: 'erp', targetPort: 'main' },
    { source: 'erp', sourcePort: 'main', target: 'big', targetPort: 'main' },
  ],
  stickyNotes: [],
  settings: { timezone: 'Asia/Taipei', timeoutSeconds: 60 },
});

/**
 * How far the inspector's content reaches past its right edge (0 when it fits), and the
 * elements that do — leaving out those inside a box that scrolls or clips on its own.
 */
function overflow(): Promise<{ scroll: number; wide: string[] }> {
  return page.evaluate(() => {
    const panel = document.querySelector('[data-testid="inspector"]')!.closest('.inspector') as HTMLElement;
    const edge = panel.getBoundingClientRect().left + panel.clientWidth;
    const clipped = (el: Element) => {
      for (let up = el.parentElement; up && up !== panel; up = up.parentElement) if (getComputedStyle(up).overflowX !== 'visible') return true;
      return false;
    };
    const wide = [...panel.querySelectorAll('*')]
      .filter((el) => {
        const box = el.getBoundingClientRect();
        // Past the edge itself, or its text running out of it (a long word does not widen its box).
        const spills = getComputedStyle(el).overflowX === 'visible' && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0;
        return box.width > 0 && (box.right > edge + 1 || spills) && !clipped(el);
      })
      .map((el) => `${el.tagName.toLowerCase()}.${String(el.className)} (${Math.round(el.getBoundingClientRect().right - edge)} px)`);
    return { scroll: panel.scrollWidth - panel.clientWidth, wide: wide.slice(0, 8) };
  });
}

describe.skipIf(!chromium)('words and room for new users, in Chromium at 1280×800', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    e2e = await startE2E({ viewport: { width: 1280, height: 800 } });
    page = e2e.page;
    await e2e.signIn();
  }, 120_000);

  afterEach(async ({ task }) => e2e?.screenshotIfFailed(task));

  afterAll(async () => {
    await e2e?.close();
  });

  it('keeps long addresses, header lists and problems inside the inspector', async () => {
    const id = await createWorkflow('Long values', {
      schemaVersion: 1,
      nodes: [
        node('hook', 'trigger.webhook', 'Order received', { path: LONG_PATH }, 0),
        node('hook2', 'trigger.webhook', 'Refund received', { path: 'refunds' }, 0),
        node('erp', 'connector.http', 'Post to ERP', {
          method: 'POST',
          url: LONG_URL,
          headers: [
            { name: `X-${'Very-Long-Header-Name-'.repeat(4)}`, value: `token-${'x'.repeat(200)}` },
            { name: 'Accept', value: 'application/json' },
          ],
          query: [{ name: 'supplier', value: 'y'.repeat(150) }],
          // An expression: edited in CodeMirror, one long line.
          body: `{{ { "order": $json.id, "note": "${'z'.repeat(300)}" } }}`,
        }, 300),
      ],
      edges: [{ source: 'hook', sourcePort: 'main', target: 'erp', targetPort: 'main' }],
      stickyNotes: [],
      settings: { timezone: 'Asia/Taipei', timeoutSeconds: 60 },
    });
    await page.goto(`${e2e.url}/workflows/${id}`);
    await page.getByTestId('node-Post to ERP').click();
    await inspector().getByLabel(/^URL/).waitFor();
    expect(await overflow()).toEqual({ scroll: 0, wide: [] });

    // A problem with a long unbroken address in it: two webhooks on one path.
    await page.getByTestId('node-Refund received').click();
    await inspector().getByLabel(/^Path/).fill(LONG_PATH);
    await expect.poll(() => inspector().locator('.field-error').allInnerTexts()).toContainEqual(expect.stringContaining(`/hooks/${LONG_PATH}`));
    expect(await overflow()).toEqual({ scroll: 0, wide: [] });
    await e2e.screenshot('inspector-long-values');
  });

  it('tells a shop owner in Traditional Chinese what a field needs and why the server refused', async () => {
    const id = await createWorkflow('Orders to ERP', orderFlow('Post to ERP', 'https://erp.example.com/api', 'Big order?'));
    await page.goto(`${e2e.url}/workflows/${id}`);
    await page.getByLabel('Language').first().selectOption('zh-TW');
    // The If node's ports are named on the canvas in the reader's words.
    await expect.poll(() => page.getByTestId('node-Big order?').locator('.port-label').allInnerTexts()).toEqual(['成立', '不成立']);
    await page.getByTestId('node-Post to ERP').click();
    const timeout = inspector().locator('[data-field="timeoutSeconds"]');
    await timeout.getByRole('spinbutton').fill('0');
    await expect.poll(() => timeout.locator('.field-error').allInnerTexts()).toEqual(['至少 1']);
    // Switching language rewords the problems already shown.
    await page.getByLabel('語言').first().selectOption('en');
    await expect.poll(() => timeout.locator('.field-error').allInnerTexts()).toEqual(['At least 1']);
    await page.getByLabel('Language').first().selectOption('zh-TW');
    await expect.poll(() => timeout.locator('.field-error').allInnerTexts()).toEqual(['至少 1']);
    await inspector().locator('[data-field="timeoutSeconds"]').getByRole('spinbutton').fill('30');
    await expect.poll(() => timeout.locator('.field-error').count()).toBe(0);
    // The HTTP node's own check, written in English in its definition, in Chinese too.
    const url = inspector().locator('[data-field="url"]');
    await url.getByRole('textbox').fill('erp.example.com');
    await expect.poll(() => url.locator('.field-error').allInnerTexts()).toEqual(['請輸入以 http:// 或 https:// 開頭的完整網址']);

    // The server refuses a variable whose name is taken: its sentence in Chinese, the server's specifics beside it.
    expect((await e2e.api('/api/variables', { method: 'POST', body: { key: 'ERP_BASE_URL', value: 'https://erp.example.com' } })).status).toBe(201);
    await page.goto(`${e2e.url}/variables`);
    const form = page.getByRole('form', { name: '新增變數' });
    await form.getByLabel(/^名稱/).fill('ERP_BASE_URL');
    await form.getByRole('button', { name: '新增變數' }).click();
    await expect.poll(() => form.innerText()).toContain('已經有同名的變數。（A variable named "ERP_BASE_URL" already exists');
    await e2e.screenshot('zh-TW-server-error');
  });

  it('tells a refused save, a failed step, a refused import and a taken webhook address in Chinese, each once', async () => {
    const toasts = () => page.locator('[data-sonner-toast]');
    const clearToasts = async () => {
      for (const close of await page.locator('[data-sonner-toast] [data-close-button]').all()) await close.click().catch(() => undefined);
      await expect.poll(() => toasts().count()).toBe(0);
    };
    // `$json.order` is not in the input: the expression fails when the step runs.
    const id = await createWorkflow('Big orders', orderFlow('Ask ERP', 'https://erp.example.com/{{ $json.order.id }}', '條件判斷'));
    await page.goto(`${e2e.url}/workflows/${id}`);
    await page.getByTestId('canvas').waitFor();
    if ((await page.getByLabel('Language').count()) > 0) await page.getByLabel('Language').first().selectOption('zh-TW');

    // A new condition, no comparison chosen: the field asks for one, and the save is refused in words, not JSON paths.
    await page.getByTestId('node-條件判斷').click();
    await inspector().getByRole('button', { name: '新增' }).click();
    const comparison = inspector().locator('[data-field="conditions[1].op"]');
    await expect.poll(() => comparison.locator('.field-error').allInnerTexts()).toEqual(['請選擇比較方式']);
    expect(await comparison.getByRole('combobox').locator('option').allInnerTexts()).toContain('不等於');
    await page.getByTestId('save').click();
    await expect.poll(() => toasts().allInnerTexts()).toEqual([expect.stringContaining('「條件判斷」的「比較方式」：請選擇比較方式')]);
    expect((await toasts().innerText())).not.toMatch(/Node|field|more|conditions\[/);
    await e2e.screenshot('zh-TW-save-refused');

    // The server cannot be reached: one Save, one toast.
    await page.getByTestId('node-條件判斷').click();
    await inspector().getByRole('button', { name: '移除第 2 筆' }).click();
    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    await clearToasts();
    await page.getByTestId('save').click();
    await expect.poll(() => toasts().count()).toBe(1);
    await page.waitForTimeout(1500);
    expect(await toasts().allInnerTexts()).toEqual([expect.stringContaining('未儲存')]);
    await page.unroute('**/api/**');
    await page.getByTestId('save').click();
    await expect.poll(() => page.getByText('有未儲存的變更').count()).toBe(0);

    // A failed step: where it failed in Chinese, what JavaScript said as it is; in the inspector and in run history.
    const run = await e2e.api(`/api/workflows/${id}/run`, { method: 'POST', body: { total: 5 } });
    expect(run.status).toBe(202);
    const { runId } = (await run.json()) as { runId: string };
    await page.goto(`${e2e.url}/runs/${runId}`);
    await page.getByTestId('canvas').waitFor();
    await expect.poll(() => page.getByTestId('node-Ask ERP').getAttribute('data-status'), { timeout: 20_000 }).toBe('failed');
    await page.getByTestId('node-Ask ERP').click();
    const stepError = page.getByTestId('step-data').getByRole('alert');
    await expect.poll(() => stepError.innerText()).toContain('節點「Ask ERP」，參數 url：{{ $json.order.id }} 執行失敗：TypeError');
    await page.goto(`${e2e.url}/runs?workflowId=${id}`);
    await expect.poll(() => page.locator('.error-cell').first().innerText()).toContain('節點「Ask ERP」，參數 url：');

    // Importing a file that is not a workflow export, one that is not JSON, one from a newer Junction, one with a node set wrong.
    await page.goto(`${e2e.url}/workflows`);
    for (const [text, expected] of [
      ['{"orders": [1, 2]}', '這個檔案不是 Junction 的工作流程匯出檔'],
      ['{\n  "format": "junction.workflow",\n  "name": "Orders",\n}', '這個檔案不是有效的 JSON（第 4 行）'],
      // The server's refusal, about the file.
      [JSON.stringify({ format: 'junction.workflow', formatVersion: 2, name: 'Orders', graph: { nodes: [], edges: [] } }), '這個工作流程檔案含有 Junction 無法使用的內容：'],
      [
        JSON.stringify({
          format: 'junction.workflow',
          formatVersion: 1,
          name: 'Orders',
          graph: {
            schemaVersion: 1,
            nodes: [node('start', 'trigger.manual', 'Start', {}, 0), node('erp', 'connector.http', '查詢 ERP', { method: 'GET', url: 'erp' }, 300)],
            edges: [{ source: 'start', sourcePort: 'main', target: 'erp', targetPort: 'main' }],
            stickyNotes: [],
            settings: { timezone: 'Asia/Taipei', timeoutSeconds: 60 },
          },
        }),
        '這個工作流程檔案含有 Junction 無法使用的內容：「查詢 ERP」的「網址」：',
      ],
    ] as const) {
      await clearToasts();
      await page.getByTestId('import-file').setInputFiles({ name: 'orders.json', mimeType: 'application/json', buffer: Buffer.from(text) });
      await expect.poll(() => toasts().allInnerTexts(), { timeout: 5000 }).toEqual([expect.stringContaining(expected)]);
      expect(await toasts().innerText()).not.toMatch(/request body|entered here|輸入的內容|Node|field/);
    }

    // Activating a copy on a webhook address another active workflow listens on: the sentence once, with the address.
    const hook = () => ({
      schemaVersion: 1,
      nodes: [node('hook', 'trigger.webhook', 'Order received', { path: 'orders-zh' }, 0)],
      edges: [],
      stickyNotes: [],
      settings: { timezone: 'Asia/Taipei', timeoutSeconds: 60 },
    });
    const first = await createWorkflow('Orders in', hook());
    expect((await e2e.api(`/api/workflows/${first}/activate`, { method: 'POST' })).status).toBe(200);
    const copy = await createWorkflow('Orders in (copy)', hook());
    await page.goto(`${e2e.url}/workflows/${copy}`);
    await clearToasts();
    await page.getByTestId('active-switch').click();
    await expect.poll(() => toasts().allInnerTexts()).toEqual([expect.stringContaining('/hooks/orders-zh 已由另一個啟用中的工作流程使用')]);
    const said = await toasts().innerText();
    expect(said.split('已由另一個啟用中的工作流程使用').length).toBe(2);
    expect(said).not.toMatch(/already used/);
  });

  it('shows a viewer the names of the credential types a node takes, not their ids', async () => {
    const viewer = { email: 'vera@e2e.test', password: 'a viewer passphrase', name: 'Vera', role: 'viewer' };
    expect((await e2e.api('/api/users', { method: 'POST', body: viewer })).status).toBe(201);
    const id = await createWorkflow('Viewer reads', {
      schemaVersion: 1,
      nodes: [node('start', 'trigger.manual', 'Start', {}, 0), node('erp', 'connector.http', 'Ask the ERP', { method: 'GET', url: 'https://erp.example.com/api' }, 300)],
      edges: [{ source: 'start', sourcePort: 'main', target: 'erp', targetPort: 'main' }],
      stickyNotes: [],
      settings: { timezone: 'Europe/London', timeoutSeconds: 60 },
    });
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    const other = await context.newPage();
    try {
      await e2e.signIn(viewer, other);
      await other.goto(`${e2e.url}/workflows/${id}`);
      await other.getByTestId('node-Ask the ERP').click();
      const takes = other.getByTestId('inspector').getByText(/^Takes:/);
      await expect.poll(() => takes.innerText()).toBe('Takes: HTTP header, Bearer token, Basic auth, OAuth2 client credentials');
    } finally {
      await context.close();
    }
  });
});
