/**
 * Where things are drawn on the canvas, checked with bounding boxes in Chromium at
 * 1280×800 against a real Junction: a workflow whose nodes lie in a pile opens laid out,
 * an If node's two edges each leave their own port without crossing a port's name, and
 * "zoom to fit" keeps every node clear of the minimap and the zoom buttons.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startE2E, type E2E } from './harness.ts';

const chromium = inject('chromium');

let e2e: E2E;
let page: Page;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function createWorkflow(name: string, graph: unknown): Promise<string> {
  const response = await e2e.api('/api/workflows', { method: 'POST', body: { name, graph } });
  if (!response.ok) throw new Error(`Creating "${name}" answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

const graphOf = async (id: string) => ((await (await e2e.api(`/api/workflows/${id}`)).json()) as { graph: any }).graph;
const paid = { conditions: [{ left: '{{ $json.paid }}', op: 'equals', right: true }] };
const toastText = () => page.locator('[data-sonner-toast]').allInnerTexts();
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const nodeBoxes = async () => Promise.all((await page.locator('.react-flow__node-step').all()).map(async (n) => (await n.boundingBox())!));

/** The page's coordinates of points every 2 px along an edge's path. */
function edgePoints(edgeId: string): Promise<{ x: number; y: number }[]> {
  return page.locator(`.react-flow__edge[data-id="${edgeId}"] path.react-flow__edge-path`).evaluate((path: SVGPathElement) => {
    const matrix = path.getScreenCTM()!;
    const points: { x: number; y: number }[] = [];
    for (let at = 0; at <= path.getTotalLength(); at += 2) {
      const p = path.getPointAtLength(at).matrixTransform(matrix);
      points.push({ x: p.x, y: p.y });
    }
    return points;
  });
}

describe.skipIf(!chromium)('the canvas geometry in Chromium at 1280×800', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    e2e = await startE2E({ viewport: { width: 1280, height: 800 } });
    page = e2e.page;
    await e2e.signIn();
  }, 120_000);

  afterEach(async ({ task }) => e2e?.screenshotIfFailed(task));

  afterAll(async () => {
    await e2e?.close();
  });

  it('lays out a workflow whose nodes all sit at [0, 0] as it opens, without an unsaved change; saving keeps the layout', async () => {
    const node = (id: string, type: string) => ({ id, type, name: id, position: [0, 0], ...(type === 'logic.if' ? { params: paid } : {}) });
    const id = await createWorkflow('Written by a script', {
      nodes: [node('Start', 'trigger.manual'), node('Check', 'logic.if'), node('Yes', 'logic.noop'), node('No', 'logic.noop'), { id: 'Then', type: 'logic.noop', name: 'Then' }],
      edges: [
        { source: 'Start', target: 'Check' },
        { source: 'Check', sourcePort: 'true', target: 'Yes' },
        { source: 'Check', sourcePort: 'false', target: 'No' },
        { source: 'Yes', target: 'Then' },
      ],
    });
    await page.goto(`${e2e.url}/workflows/${id}`);
    await expect.poll(toastText).toContainEqual(expect.stringContaining('The nodes lay on top of each other, so they have been arranged.'));
    await expect
      .poll(async () => {
        const boxes = await nodeBoxes();
        return boxes.length === 5 && boxes.every((a, i) => boxes.slice(i + 1).every((b) => !overlaps(a, b)));
      })
      .toBe(true);
    // Laid out left to right as the edges run, and all in view.
    const box = async (name: string) => (await page.getByTestId(`node-${name}`).boundingBox())!;
    expect((await box('Start')).x).toBeLessThan((await box('Check')).x);
    expect((await box('Check')).x).toBeLessThan((await box('Yes')).x);
    expect((await box('Yes')).x).toBeLessThan((await box('Then')).x);
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    for (const b of await nodeBoxes()) expect(b.x >= canvas.x && b.x + b.width <= canvas.x + canvas.width).toBe(true);
    expect(await page.getByText('Unsaved changes').count()).toBe(0);
    // A run's view of the (still piled) stored version is laid out too.
    const run = (await (await e2e.api(`/api/workflows/${id}/run`, { method: 'POST', body: { paid: true } })).json()) as { runId: string };
    await page.goto(`${e2e.url}/runs/${run.runId}`);
    await expect
      .poll(async () => {
        const boxes = await nodeBoxes();
        return boxes.length === 5 && boxes.every((a, i) => boxes.slice(i + 1).every((b) => !overlaps(a, b)));
      })
      .toBe(true);
    await page.goto(`${e2e.url}/workflows/${id}`);
    await page.getByTestId('node-Then').waitFor();
    await page.keyboard.press('Control+s');
    await expect.poll(async () => new Set((await graphOf(id)).nodes.map((n: { position: number[] }) => n.position.join(','))).size).toBe(5);
  });

  it('leaves a workflow laid out by a person where it is', async () => {
    const id = await createWorkflow('Laid out by hand', {
      nodes: [
        { id: 'a', type: 'trigger.manual', name: 'Start', position: [0, 300] },
        { id: 'b', type: 'logic.noop', name: 'Middle', position: [0, 0] },
        { id: 'c', type: 'logic.noop', name: 'End', position: [300, 150] },
      ],
      edges: [{ source: 'a', target: 'b' }, { source: 'b', target: 'c' }],
    });
    await page.goto(`${e2e.url}/workflows/${id}`);
    await page.getByTestId('node-End').waitFor();
    await page.waitForTimeout(500);
    // Start stays below Middle although the edge runs from Start to Middle: no layout was applied.
    expect((await page.getByTestId('node-Start').boundingBox())!.y).toBeGreaterThan((await page.getByTestId('node-Middle').boundingBox())!.y + 100);
    expect(await toastText()).not.toContainEqual(expect.stringContaining('arranged'));
  });

  it("draws each of an If node's edges from its own port, crossing no port's name", async () => {
    // The "true" port (the upper one) leads down and the "false" port up: the routes that used to cross the other port's name.
    const id = await createWorkflow('If routes', {
      nodes: [
        { id: 't', type: 'trigger.manual', name: 'Start', position: [-300, 120] },
        { id: 'i', type: 'logic.if', name: 'Paid?', params: paid, position: [0, 120] },
        { id: 'y', type: 'logic.noop', name: 'Ship', position: [300, 240] },
        { id: 'n', type: 'logic.noop', name: 'Remind', position: [300, 0] },
      ],
      edges: [
        { source: 't', target: 'i' },
        { source: 'i', sourcePort: 'true', target: 'y' },
        { source: 'i', sourcePort: 'false', target: 'n' },
      ],
    });
    await page.goto(`${e2e.url}/workflows/${id}`);
    const ifNode = page.getByTestId('node-Paid?');
    await ifNode.waitFor();
    await page.waitForTimeout(300);
    const nodeBox = (await ifNode.boundingBox())!;
    for (const [port, other] of [['true', 'false'], ['false', 'true']] as const) {
      const label = (await ifNode.locator(`.port-label[data-port="${port}"]`).boundingBox())!;
      const handle = (await ifNode.locator(`.react-flow__handle.source[data-handleid="${port}"]`).boundingBox())!;
      // The name is readable inside the node, beside its own port.
      expect(label.x >= nodeBox.x && label.x + label.width <= handle.x).toBe(true);
      expect(Math.abs(label.y + label.height / 2 - (handle.y + handle.height / 2))).toBeLessThan(3);
      const points = await edgePoints(`i:${port}->${port === 'true' ? 'y' : 'n'}:main`);
      // It leaves from the middle of its own port ...
      expect(Math.hypot(points[0]!.x - (handle.x + handle.width / 2), points[0]!.y - (handle.y + handle.height / 2))).toBeLessThan(8);
      // ... and goes through neither port's name.
      const otherLabel = (await ifNode.locator(`.port-label[data-port="${other}"]`).boundingBox())!;
      const inside = (b: Box) => points.filter((p) => p.x >= b.x - 1 && p.x <= b.x + b.width + 1 && p.y >= b.y - 1 && p.y <= b.y + b.height + 1);
      expect(inside(otherLabel)).toEqual([]);
      expect(inside(label)).toEqual([]);
    }
  });

  it('zooms to fit with every node clear of the minimap and the zoom buttons', async () => {
    // A grid about as tall as it is wide fills the canvas up to its bottom-right corner, where the minimap sits.
    const nodes = Array.from({ length: 40 }, (_, i) => ({
      id: `n${i}`,
      type: i === 0 ? 'trigger.manual' : 'logic.noop',
      name: `Step ${i}`,
      position: [(i % 4) * 280, Math.floor(i / 4) * 110],
    }));
    const id = await createWorkflow('A tall grid', { nodes, edges: [] });
    await page.goto(`${e2e.url}/workflows/${id}`);
    await page.getByTestId('node-Step 39').waitFor();
    const minimap = (await page.locator('.react-flow__minimap').boundingBox())!;
    const controls = (await page.locator('.react-flow__controls').boundingBox())!;
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    const clear = async () => {
      const boxes = await nodeBoxes();
      return boxes.length === 40 && boxes.every((b) => !overlaps(b, minimap) && !overlaps(b, controls));
    };
    // As it opens, after the fit button, and after Shift+1.
    await expect.poll(clear).toBe(true);
    await page.mouse.move(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
    await page.mouse.wheel(0, -300);
    await page.locator('.react-flow__controls-fitview').click();
    await page.waitForTimeout(400);
    await expect.poll(clear).toBe(true);
    await page.mouse.wheel(0, -300);
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: canvas.height / 2 } });
    await page.keyboard.press('Shift+!');
    await page.waitForTimeout(400);
    await expect.poll(clear).toBe(true);
    // The grid still fills the height: the room left for the minimap is a strip, not a smaller canvas.
    const boxes = await nodeBoxes();
    const bottom = Math.max(...boxes.map((b) => b.y + b.height));
    const top = Math.min(...boxes.map((b) => b.y));
    expect(bottom - top).toBeGreaterThan(canvas.height - 260);
  });
});
