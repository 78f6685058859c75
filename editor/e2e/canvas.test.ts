/**
 * The canvas with the keyboard, sticky notes, copy and paste between browser tabs, and
 * cancelling a run in flight — in Chromium against a real Junction.
 */
import type { ServerResponse } from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { listen, type LocalServer } from '../../server/src/testing/http.ts';
import { accessibilityViolations } from './accessibility.ts';
import { startE2E, type E2E } from './harness.ts';

const chromium = inject('chromium');

let e2e: E2E;
let page: Page;
let slow: LocalServer;
const held: ServerResponse[] = [];

async function createWorkflow(name: string, graph: unknown = { nodes: [], edges: [] }): Promise<string> {
  const response = await e2e.api('/api/workflows', { method: 'POST', body: { name, graph } });
  return ((await response.json()) as { id: string }).id;
}

const graphOf = async (id: string) => ((await (await e2e.api(`/api/workflows/${id}`)).json()) as { graph: any }).graph;
const steps = (p: Page = page) => p.locator('.react-flow__node-step');
const edges = (p: Page = page) => p.locator('.react-flow__edge');
/** A click on empty canvas (below the canvas tools, away from the minimap and zoom buttons). */
const clickPane = (p: Page = page) => p.locator('.react-flow__pane').click({ position: { x: 200, y: 450 } });

describe.skipIf(!chromium)('the canvas in Chromium', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    // A system that takes its time: it answers only when the test lets it.
    slow = await listen((_request, response) => void held.push(response));
    e2e = await startE2E();
    page = e2e.page;
    await e2e.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await e2e.signIn();
  }, 120_000);

  afterEach(async ({ task }) => e2e?.screenshotIfFailed(task));

  afterAll(async () => {
    for (const response of held) response.end('{}');
    await e2e?.close();
    await slow?.close();
  });

  it('builds a connected chain with the keyboard alone: each node added after the selected one', async () => {
    const id = await createWorkflow('Keyboard only');
    await page.goto(`${e2e.url}/workflows/${id}`);
    // The palette is searched by typing: the first node type found is a Tab away.
    await page.getByLabel('Search nodes').focus();
    await page.keyboard.type('Manual');
    await page.keyboard.press('Tab'); // Manual trigger
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('node-Manual trigger').count()).toBe(1);
    await expect.poll(() => steps().count()).toBe(1);
    await page.keyboard.press('Shift+Tab'); // back to the search box
    await page.keyboard.press('Control+a');
    await page.keyboard.type('No operation');
    await page.keyboard.press('Tab'); // No operation
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter'); // another, after the one just added
    await expect.poll(() => page.getByTestId('node-No operation 2').count()).toBe(1);
    await expect.poll(() => steps().count()).toBe(3);
    await expect.poll(() => edges().count()).toBe(2);
    await page.keyboard.press('Control+s');
    await expect.poll(async () => (await graphOf(id)).edges).toEqual([
      expect.objectContaining({ sourcePort: 'main', targetPort: 'main' }),
      expect.objectContaining({ sourcePort: 'main', targetPort: 'main' }),
    ]);
  });

  it('says above the canvas what is wrong with the workflow as a whole, and in which time zone it runs', async () => {
    const id = await createWorkflow('No trigger yet');
    await page.goto(`${e2e.url}/workflows/${id}`);
    await page.getByTestId('palette-logic.noop').click();
    await expect.poll(() => page.getByTestId('workflow-problems').innerText()).toContain('needs a trigger');
    await page.getByTestId('palette-trigger.manual').click();
    await expect.poll(() => page.getByTestId('workflow-problems').count()).toBe(0);
    await clickPane();
    await page.getByLabel('Time zone').fill('Asia/Taipei');
    await page.keyboard.press('Control+s');
    await expect.poll(async () => (await graphOf(id)).settings.timezone).toBe('Asia/Taipei');
  });

  it('selects several nodes, moves and deletes them, and undo puts everything back', async () => {
    const id = await createWorkflow('Select and move', {
      nodes: [
        { id: 't', type: 'trigger.manual', name: 'Start', position: [0, 0] },
        { id: 'a', type: 'logic.noop', name: 'A', position: [280, 0] },
        { id: 'b', type: 'logic.noop', name: 'B', position: [560, 0] },
      ],
      edges: [{ source: 't', target: 'a' }, { source: 'a', target: 'b' }],
    });
    await page.goto(`${e2e.url}/workflows/${id}`);
    const a = page.getByTestId('node-A');
    await a.waitFor();
    const before = (await a.boundingBox())!;
    await a.hover();
    await page.mouse.down();
    await page.mouse.move(before.x + before.width / 2, before.y + 160, { steps: 8 });
    await page.mouse.up();
    await expect.poll(async () => (await a.boundingBox())!.y).toBeGreaterThan(before.y + 100);
    await a.click();
    await page.getByTestId('node-B').click({ modifiers: ['Control'] });
    await expect.poll(() => page.locator('.react-flow__node.selected').count()).toBe(2);
    await page.keyboard.press('Delete');
    await expect.poll(() => steps().count()).toBe(1);
    expect(await edges().count()).toBe(0);
    await page.keyboard.press('Control+z');
    await expect.poll(() => steps().count()).toBe(3);
    expect(await edges().count()).toBe(2);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => Math.round((await a.boundingBox())!.y)).toBe(Math.round(before.y));
  });

  it('renames, duplicates and deletes workflows from the list, deleting only after a confirmation', async () => {
    await createWorkflow('Nightly finance sync');
    await page.goto(`${e2e.url}/workflows`);
    const row = (name: string) => page.getByRole('row', { name: new RegExp(name) });
    await row('Nightly finance sync').getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('Branch finance sync 23:00');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => row('Branch finance sync 23:00').count()).toBe(1);
    await row('Branch finance sync 23:00').getByRole('button', { name: 'Duplicate' }).click();
    await expect.poll(() => row('Branch finance sync 23:00 \\(copy\\)').count()).toBe(1);
    await row('Branch finance sync 23:00 \\(copy\\)').getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await row('\\(copy\\)').count()).toBe(1);
    await row('\\(copy\\)').getByRole('button', { name: 'Delete' }).click();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => row('\\(copy\\)').count()).toBe(0);
    await page.getByLabel('Search workflows').fill('finance');
    await expect.poll(() => page.getByRole('row').count()).toBe(2); // the header and the one left
  });

  it('loads more run history as you scroll, page by page', async () => {
    const id = await createWorkflow('Many runs', { nodes: [{ id: 't', type: 'trigger.manual', name: 'Start' }], edges: [] });
    for (let i = 0; i < 35; i++) await e2e.api(`/api/workflows/${id}/run`, { method: 'POST', body: { n: i } });
    await page.goto(`${e2e.url}/runs?workflowId=${id}`);
    const rows = page.getByTestId('run-row');
    await expect.poll(() => rows.count()).toBe(30);
    await rows.last().scrollIntoViewIfNeeded();
    await page.mouse.wheel(0, 2000);
    await expect.poll(() => rows.count()).toBe(35);
    await expect.poll(() => page.getByText('That is every run.').count()).toBe(1);
  });

  it('asks before leaving unsaved changes, also by the Back button', async () => {
    const id = await createWorkflow('Unsaved', { nodes: [{ id: 't', type: 'trigger.manual', name: 'Start' }], edges: [] });
    await page.goto(`${e2e.url}/workflows`);
    await page.getByRole('link', { name: 'Unsaved' }).click();
    await steps().first().waitFor();
    await page.getByTestId('palette-logic.noop').click();
    await page.goBack();
    const ask = page.getByRole('alertdialog');
    await ask.waitFor();
    await ask.getByRole('button', { name: 'Cancel' }).click();
    expect(page.url()).toBe(`${e2e.url}/workflows/${id}`);
    expect(await steps().count()).toBe(2);
    await page.getByRole('navigation').getByRole('link', { name: 'Run history' }).click();
    await ask.getByRole('button', { name: 'Leave without saving' }).click();
    await expect.poll(() => page.url()).toBe(`${e2e.url}/runs`);
  });

  it('keeps a sticky note with the workflow', async () => {
    const id = await createWorkflow('With a note');
    await page.goto(`${e2e.url}/workflows/${id}`);
    await page.getByRole('button', { name: 'Sticky note' }).click();
    await page.locator('.sticky-note').dblclick();
    await page.getByLabel('Sticky note text').fill('Ask purchasing before changing the supplier');
    await clickPane();
    await page.keyboard.press('Control+s');
    await expect.poll(async () => (await graphOf(id)).stickyNotes).toEqual([expect.objectContaining({ text: 'Ask purchasing before changing the supplier', color: 'yellow' })]);
    await page.reload();
    await expect.poll(() => page.locator('.sticky-note').innerText()).toContain('Ask purchasing');
  });

  it('copies nodes as JSON and pastes them into another workflow in another tab', async () => {
    const from = await createWorkflow('Copy from', {
      nodes: [
        { id: 't', type: 'trigger.manual', name: 'Start', position: [0, 0] },
        { id: 'f', type: 'transform.fields', name: 'Tag order', params: { operations: [{ op: 'set', field: 'tag', value: 'vip' }] }, position: [280, 0] },
      ],
      edges: [{ source: 't', target: 'f' }],
    });
    const to = await createWorkflow('Paste into');
    await page.goto(`${e2e.url}/workflows/${from}`);
    await steps().first().waitFor();
    await clickPane();
    await page.keyboard.press('Control+a');
    await expect.poll(() => page.locator('.react-flow__node.selected').count()).toBe(2);
    await page.keyboard.press('Control+c');
    const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
    expect(copied).toMatchObject({ format: 'junction.fragment', nodes: [{ name: 'Start' }, { name: 'Tag order' }] });

    const other = await e2e.context.newPage();
    await other.goto(`${e2e.url}/workflows/${to}`);
    await clickPane(other);
    await other.keyboard.press('Control+v');
    await expect.poll(() => steps(other).count()).toBe(2);
    await expect.poll(() => edges(other).count()).toBe(1);
    await other.keyboard.press('Control+s');
    await expect.poll(async () => (await graphOf(to)).nodes.map((n: { name: string }) => n.name)).toEqual(['Start', 'Tag order']);
    // New ids: the pasted nodes are copies, not the same nodes.
    expect((await graphOf(to)).nodes.map((n: { id: string }) => n.id)).not.toContain('t');
    await other.close();
  });

  it('has no serious accessibility problems on its main screens (axe-core, WCAG 2.1 AA)', async () => {
    const id = await createWorkflow('Accessible', {
      nodes: [
        { id: 't', type: 'trigger.webhook', name: 'Order received', params: { path: 'a11y' } },
        { id: 'h', type: 'connector.http', name: 'Post to ERP', params: { url: 'https://erp.example.com/po', method: 'POST' }, position: [280, 0] },
      ],
      edges: [{ source: 't', target: 'h' }],
    });
    const screens: [string, () => Promise<unknown>][] = [
      ['workflows', () => page.goto(`${e2e.url}/workflows`)],
      ['editor', async () => {
        await page.goto(`${e2e.url}/workflows/${id}`);
        await page.getByTestId('node-Post to ERP').click();
        await page.getByTestId('inspector').waitFor();
      }],
      ['run dialog', async () => {
        await page.getByTestId('run-workflow').click();
        await page.locator('.cm-content[data-testid="sample-input"]').waitFor();
      }],
      ['run history', () => page.goto(`${e2e.url}/runs`)],
      ['run detail', async () => {
        const run = (await (await e2e.api(`/api/workflows/${id}/run`, { method: 'POST' })).json()) as { runId: string };
        await page.goto(`${e2e.url}/runs/${run.runId}`);
        await expect.poll(() => page.getByTestId('run-banner').getAttribute('data-status'), { timeout: 20_000 }).toBe('failed');
        await page.getByTestId('node-Post to ERP').click();
        await page.getByTestId('step-data').waitFor();
      }],
    ];
    for (const [name, open] of screens) {
      await open();
      await page.waitForTimeout(300);
      expect(await accessibilityViolations(page), name).toEqual([]);
    }
  });

  it('cancels a run while a step is waiting for an answer', async () => {
    const id = await createWorkflow('Slow ERP', {
      nodes: [
        { id: 't', type: 'trigger.manual', name: 'Start', position: [0, 0] },
        { id: 'h', type: 'connector.http', name: 'Slow ERP', params: { url: `${slow.url}/orders`, timeoutSeconds: 120 }, position: [280, 0] },
      ],
      edges: [{ source: 't', target: 'h' }],
    });
    await page.goto(`${e2e.url}/workflows/${id}`);
    await steps().first().waitFor();
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('run-now').click();
    await expect.poll(() => page.getByTestId('node-Slow ERP').getAttribute('data-status'), { timeout: 20_000 }).toBe('running');
    await page.getByTestId('run-banner').getByRole('link', { name: 'Open run' }).click();
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await expect.poll(() => page.getByTestId('run-banner').getAttribute('data-status'), { timeout: 20_000 }).toBe('cancelled');
    await e2e.screenshot('run-cancelled');
  });
});
