/**
 * Schedules, polls, waits and workflows that start one another, end to end in Chromium
 * against a real Junction: a schedule → approval flow built from the palette shows when it
 * runs next, waits for a manager who approves through the link, and finishes; a poll's
 * test shows what it would start runs for; a sub-workflow and an error workflow are
 * chosen by name, and their runs link to one another.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { listen, type LocalServer } from '../../server/src/testing/http.ts';
import { accessibilityViolations } from './accessibility.ts';
import { startE2E, type E2E } from './harness.ts';

const chromium = inject('chromium');

let e2e: E2E;
let page: Page;
let stock: LocalServer;
/** What the stand-in stock API answers: its rows, or a failure. */
let stockAnswer: { status: number; body: unknown } = { status: 200, body: [] };

const node = (name: string) => page.getByTestId(`node-${name}`);
const inspector = () => page.getByTestId('inspector');
const banner = () => page.getByTestId('run-banner');

async function createWorkflow(name: string, graph: unknown = { nodes: [], edges: [] }): Promise<string> {
  const response = await e2e.api('/api/workflows', { method: 'POST', body: { name, graph } });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function save() {
  await page.keyboard.press('Control+s');
  await expect.poll(() => page.locator('[data-sonner-toast]').filter({ hasText: /Saved as version/ }).count()).toBeGreaterThan(0);
  await page.locator('[data-sonner-toast]').filter({ hasText: /Saved as version/ }).first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => undefined);
}

async function runFromEditor() {
  await page.getByTestId('run-workflow').click();
  await page.getByTestId('run-now').click();
}

/** Clicks a node on the canvas (selects it) and waits for its inspector. */
async function select(name: string): Promise<Locator> {
  await node(name).click();
  await expect.poll(() => inspector().locator('.node-name-input').inputValue()).toBe(name);
  return inspector();
}

describe.skipIf(!chromium)('schedules, polls and waits in Chromium', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    stock = await listen((_request, response) => {
      response.writeHead(stockAnswer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(stockAnswer.body));
    });
    // The browser reads times in Warsaw; the schedule runs in Taipei.
    e2e = await startE2E({ publicUrl: true, timezoneId: 'Europe/Warsaw' });
    page = e2e.page;
    await e2e.signIn();
  }, 120_000);

  afterEach(async ({ task }) => e2e?.screenshotIfFailed(task));

  afterAll(async () => {
    await e2e?.close();
    await stock?.close();
  });

  it('builds every 15 minutes → manager approval → next step from the palette, shows its next runs, waits, is approved through the link and finishes', async () => {
    const id = await createWorkflow('Reorder low stock');
    await page.goto(`${e2e.url}/workflows/${id}`);
    await page.getByTestId('palette-trigger.schedule').click();
    await node('Schedule').waitFor();
    // Each click adds the node after the selected one, connected.
    await page.getByTestId('palette-logic.wait').click();
    await node('Wait').waitFor();
    await page.getByTestId('palette-logic.noop').click();
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);
    await page.getByRole('button', { name: 'Zoom to fit' }).first().click();

    let form = await select('Schedule');
    expect(await form.getByLabel('Run', { exact: true }).inputValue()).toBe('minutes');
    expect(await form.getByLabel('Every', { exact: true }).inputValue()).toBe('15');
    await form.getByLabel(/^Time zone/).fill('Asia/Taipei');
    await expect.poll(() => form.getByTestId('trigger-times').innerText()).toContain('Save the workflow to see when this runs.');

    form = await select('Wait');
    await form.getByLabel('Wait for', { exact: true }).selectOption('approval');
    await form.getByLabel(/^Message/).fill('Reorder tea: 40 boxes for 12,000 TWD');
    await save();

    // The next five runs, on the quarter hour in Taipei, and in the reader's time (Warsaw: seven hours behind).
    form = await select('Schedule');
    const nextRuns = form.getByTestId('next-runs');
    await nextRuns.waitFor();
    expect(await nextRuns.locator('thead th').allInnerTexts()).toEqual(['In Asia/Taipei', 'Your time (Europe/Warsaw)']);
    const rows = nextRuns.locator('tbody tr');
    expect(await rows.count()).toBe(5);
    const { triggers } = (await (await e2e.api(`/api/workflows/${id}/triggers`)).json()) as { triggers: { nodeId: string; next: string[] }[] };
    const first = new Date(triggers[0]!.next[0]!);
    const taipei = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Taipei', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(first);
    const warsaw = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Warsaw', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(first);
    const cells = await rows.first().locator('td').allInnerTexts();
    expect(cells[0]).toMatch(new RegExp(`${taipei}$`));
    expect(cells[1]).toMatch(new RegExp(`${warsaw}$`));
    expect(taipei).toMatch(/:(00|15|30|45)$/);
    expect(await form.getByTestId('trigger-times').innerText()).toContain('The workflow is off');
    // Every hour instead: saving shows the new times.
    await form.getByLabel('Run', { exact: true }).selectOption('hours');
    await expect.poll(() => form.getByTestId('trigger-times').innerText()).toContain('times of the saved version');
    await save();
    await expect.poll(async () => (await form.getByTestId('next-runs').locator('tbody td').first().innerText()).endsWith(':00')).toBe(true);
    await expect.poll(() => form.getByTestId('trigger-times').innerText()).not.toContain('times of the saved version');
    await e2e.screenshot('schedule-next-runs');
    expect(await accessibilityViolations(page)).toEqual([]);

    await runFromEditor();
    await expect.poll(() => banner().getAttribute('data-status'), { timeout: 20_000 }).toBe('waiting');
    await expect.poll(() => node('Wait').getAttribute('data-status')).toBe('waiting');
    form = await select('Wait');
    const wait = form.getByTestId('step-wait');
    await expect.poll(() => wait.innerText()).toContain('Waiting for an approval');
    expect(await wait.innerText()).toContain('Reorder tea: 40 boxes for 12,000 TWD');
    expect(await wait.innerText()).toContain('Link expires');
    const link = await wait.getByTestId('resume-url').inputValue();
    expect(link.startsWith(`${e2e.url}/api/resume/`)).toBe(true);
    await e2e.screenshot('waiting-step');

    // The manager opens the approval page from the link, and approves with a comment.
    const [approvalPage] = await Promise.all([e2e.context.waitForEvent('page'), wait.getByRole('link', { name: 'Open the approval page' }).click()]);
    await approvalPage.waitForLoadState();
    expect(approvalPage.url()).toBe(link);
    expect(await approvalPage.locator('.message').innerText()).toBe('Reorder tea: 40 boxes for 12,000 TWD');
    await approvalPage.getByLabel('Comment (optional)').fill('Go ahead');
    await approvalPage.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => approvalPage.locator('main').innerText()).toContain('your answer was recorded');
    await approvalPage.close();

    // The run goes on and finishes on the open canvas.
    await expect.poll(() => banner().getAttribute('data-status'), { timeout: 20_000 }).toBe('succeeded');
    await expect.poll(() => node('No operation').getAttribute('data-status')).toBe('succeeded');
    form = await select('Wait');
    await expect.poll(() => form.getByTestId('wait-ending').innerText()).toMatch(/^Approved, /);
    expect(await form.getByTestId('wait-caller').innerText()).toContain('127.0.0.1');
    expect(await form.getByTestId('step-wait').innerText()).toContain('Go ahead');
    expect(await form.getByTestId('resume-url').count()).toBe(0);

    // The run's own page says the same.
    await banner().getByRole('link', { name: 'Open run' }).click();
    await page.getByRole('toolbar', { name: 'Run' }).waitFor();
    form = await select('Wait');
    await expect.poll(() => form.getByTestId('wait-ending').innerText()).toMatch(/^Approved, /);
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('tests a poll: what the next poll would start runs for, or why it cannot look — and nothing it remembers changes', async () => {
    stockAnswer = { status: 200, body: { data: { items: [{ sku: 'TEA-01', onHand: 3 }, { sku: 'CUP-02', onHand: 1 }] } } };
    const id = await createWorkflow('Watch low stock', {
      nodes: [
        {
          id: 'poll',
          type: 'trigger.poll',
          name: 'Low stock',
          params: { rule: { every: 'minutes', interval: 5 }, source: { kind: 'http', url: `${stock.url}/stock`, itemsPath: 'data.items' }, emit: { what: 'episodes', field: 'sku' }, firstPoll: 'emitNow', runPer: 'item' },
        },
      ],
      edges: [],
    });
    await page.goto(`${e2e.url}/workflows/${id}`);
    const form = await select('Low stock');
    expect(await form.getByTestId('trigger-times').innerText()).toContain('Next looks');
    await form.getByTestId('poll-test-button').click();
    const result = form.getByTestId('poll-test-result');
    await expect.poll(() => result.innerText()).toContain('The next poll would start 2 runs, one for each new row:');
    expect(await result.innerText()).toContain('The source holds 2 rows now.');
    expect(await result.locator('table').innerText()).toContain('TEA-01');
    expect(await result.locator('table').innerText()).toContain('CUP-02');
    await e2e.screenshot('poll-test');
    // Testing again finds the same: the test remembered nothing, and no run started.
    await form.getByTestId('poll-test-button').click();
    await expect.poll(() => result.innerText()).toContain('start 2 runs');
    const runs = (await (await e2e.api(`/api/runs?workflowId=${id}`)).json()) as { runs: unknown[] };
    expect(runs.runs).toHaveLength(0);

    // A source that fails says why, in words; an unsaved change is saved first.
    stockAnswer = { status: 503, body: { error: 'maintenance' } };
    await form.getByLabel('Every', { exact: true }).selectOption('10');
    expect(await form.getByTestId('poll-test-button').innerText()).toBe('Save and test poll');
    await form.getByTestId('poll-test-button').click();
    await expect.poll(() => form.getByTestId('poll-test-error').innerText()).toMatch(/^The test look failed\s+"Low stock" could not look at its source: 127\.0\.0\.1:\d+ answered 503$/);
    const saved = (await (await e2e.api(`/api/workflows/${id}`)).json()) as { version: number; graph: { nodes: { params: { rule: unknown } }[] } };
    expect(saved.graph.nodes[0]!.params.rule).toEqual({ every: 'minutes', interval: 10 });
  });

  it('picks a sub-workflow and an error workflow by name; a failing call links the runs to one another', async () => {
    await createWorkflow('Tell the on-call manager', {
      nodes: [
        { id: 'failed', type: 'trigger.error', name: 'A run failed' },
        { id: 'note', type: 'logic.noop', name: 'Note it' },
      ],
      edges: [{ source: 'failed', target: 'note' }],
    });
    await createWorkflow('Send PO to supplier', {
      nodes: [
        { id: 'called', type: 'trigger.subflow', name: 'Called' },
        { id: 'send', type: 'code.javascript', name: 'Send', params: { code: "throw new Error('The supplier system is down')" } },
      ],
      edges: [{ source: 'called', target: 'send' }],
    });
    await createWorkflow('Nightly sales export', { nodes: [{ id: 't', type: 'trigger.manual', name: 'Start' }], edges: [] });
    const id = await createWorkflow('Reorder from supplier', { nodes: [{ id: 'start', type: 'trigger.manual', name: 'Start', position: [0, 0] }], edges: [] });
    await page.goto(`${e2e.url}/workflows/${id}`);

    await select('Start');
    await page.getByTestId('palette-logic.subflow').click();
    const form = await select('Run a sub-workflow');
    const picker = form.getByTestId('workflow-workflowId');
    expect(await picker.locator('optgroup').first().getAttribute('label')).toBe('Starting with “When called by another workflow”');
    expect(await picker.locator('optgroup').first().locator('option').allInnerTexts()).toEqual(['Send PO to supplier']);
    expect(await picker.locator('option', { hasText: 'Nightly sales export' }).isDisabled()).toBe(true);
    await picker.selectOption({ label: 'Send PO to supplier' });

    // The workflow's settings: its error workflow, among those that start when a workflow fails.
    await page.locator('.react-flow__pane').click({ position: { x: 200, y: 450 } });
    await page.getByTestId('error-workflow').selectOption({ label: 'Tell the on-call manager' });
    await save();
    const graph = ((await (await e2e.api(`/api/workflows/${id}`)).json()) as { graph: { settings: { errorWorkflowId?: string }; nodes: { params: { workflowId?: string } }[] } }).graph;
    expect(graph.settings.errorWorkflowId).toMatch(/^[0-9a-f-]{36}$/);
    expect(graph.nodes[1]!.params.workflowId).toMatch(/^[0-9a-f-]{36}$/);

    await runFromEditor();
    await expect.poll(() => banner().getAttribute('data-status'), { timeout: 30_000 }).toBe('failed');
    await banner().getByRole('link', { name: 'Open run' }).click();
    await page.getByRole('toolbar', { name: 'Run' }).waitFor();
    const parentUrl = page.url();
    const step = await select('Run a sub-workflow');
    // The parent's step → its child run → back to the parent.
    await step.getByTestId('child-runs').getByRole('link').click();
    await expect.poll(() => page.locator('.workflow-name').innerText()).toBe('Send PO to supplier');
    await page.getByTestId('parent-run').click();
    await expect.poll(() => page.url()).toBe(parentUrl);

    // The error workflow's run → the run that failed.
    const errorRunOf = async () => {
      const { runs } = (await (await e2e.api('/api/runs?limit=20')).json()) as { runs: { id: string; mode: string }[] };
      return runs.find((run) => run.mode === 'error')?.id ?? null;
    };
    await expect.poll(errorRunOf, { timeout: 20_000 }).not.toBeNull();
    const errorRun = (await errorRunOf())!;
    await page.goto(`${e2e.url}/runs/${errorRun}`);
    const failed = page.getByTestId('failed-run');
    expect(await failed.innerText()).toBe('Started because a run of “Reorder from supplier” failed');
    await failed.click();
    await expect.poll(() => page.url()).toBe(parentUrl);
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});
