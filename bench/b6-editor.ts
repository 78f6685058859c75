/**
 * B6 — the editor on a large workflow, measured in Chromium.
 *
 * A 500-node workflow (a webhook and 499 steps of four kinds, in 20 lanes, 520
 * connections) is opened in the built editor served by a real Junction:
 *
 * - open: from navigation start until the canvas shows the workflow's nodes and the main
 *   thread answers again (a task queued after the first frame with nodes runs) — "opens
 *   and is interactive"; then how long a click on a node takes to select it;
 * - drag: a node dragged across the canvas for ~2 s with the mouse, frames counted with
 *   requestAnimationFrame inside the page (Performance API), long tasks (> 50 ms) with a
 *   PerformanceObserver;
 * - initial JavaScript: what index.html loads before anything else (its entry script
 *   and module preloads), gzipped as the server sends it; and what opening a workflow
 *   transferred in all (the canvas chunks are loaded on demand).
 *
 * Each measurement is repeated (`--runs`, default 5) and the median reported.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { ensureEditorBuilt } from '../scripts/editor-build.mjs';
import { api, BENCH_OWNER, createDatabase, machine, machineLine, ROOT, startJunction, type ScenarioOptions, type ScenarioResult } from './harness.ts';

const NODES = 500;
const LANES = 20;
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const KINDS = ['transform.fields', 'logic.if', 'logic.noop', 'connector.http'] as const;

/** A webhook fanning out into lanes of steps; every `if` continues on its "true" port. */
export function largeGraph(count = NODES) {
  const nodes: Record<string, unknown>[] = [{ id: 'n0', type: 'trigger.webhook', name: 'Order received', params: { path: 'b6-orders' }, position: [0, (LANES / 2) * 110] }];
  const edges: Record<string, unknown>[] = [];
  const params: Record<(typeof KINDS)[number], Record<string, unknown>> = {
    'transform.fields': { operations: [{ op: 'set', field: 'seen', value: true }] },
    'logic.if': { conditions: [{ left: '{{ $json.total }}', op: 'gt', right: 100 }] },
    'logic.noop': {},
    'connector.http': { url: 'http://127.0.0.1:9/never', method: 'POST' },
  };
  for (let i = 1; i < count; i++) {
    const lane = (i - 1) % LANES;
    const column = Math.floor((i - 1) / LANES) + 1;
    const type = KINDS[(i + lane) % KINDS.length]!;
    nodes.push({ id: `n${i}`, type, name: `Step ${i}`, params: params[type], position: [column * 280, lane * 110] });
    const source = column === 1 ? 'n0' : `n${i - LANES}`;
    const sourceType = column === 1 ? 'trigger.webhook' : (nodes[i - LANES]!.type as string);
    edges.push({ source, sourcePort: sourceType === 'logic.if' ? 'true' : 'main', target: `n${i}`, targetPort: 'main' });
    // Some lanes join their neighbour, so the graph is not only parallel chains.
    if (column > 1 && lane > 0 && i % 7 === 0) {
      const neighbour = nodes[i - LANES - 1]!;
      edges.push({ source: neighbour.id, sourcePort: neighbour.type === 'logic.if' ? 'true' : 'main', target: `n${i}`, targetPort: 'main' });
    }
  }
  return { nodes, edges };
}

/** The scripts index.html loads before anything else, gzipped. */
export function initialJavaScript(dist: string): { files: string[]; bytes: number; gzipBytes: number } {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const files = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="\/([^"]+\.js)"/g)].map((m) => m[1]!);
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of new Set(files)) {
    const content = readFileSync(join(dist, file));
    bytes += content.length;
    gzipBytes += gzipSync(content).length;
  }
  return { files: [...new Set(files)], bytes, gzipBytes };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

async function openOnce(page: Page, url: string): Promise<{ readyMs: number; selectMs: number; transferred: number; rendered: number }> {
  let transferred = 0;
  const sizes: Promise<void>[] = [];
  const onResponse = (response: import('playwright-core').Response) => {
    if (!/\.(js|css)$/.test(new URL(response.url()).pathname)) return;
    sizes.push(response.request().sizes().then((s) => void (transferred += s.responseBodySize)));
  };
  page.on('response', onResponse);
  await page.goto(url, { waitUntil: 'commit' });
  const readyMs = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const check = () => {
          if (document.querySelectorAll('.react-flow__node').length > 0 && document.querySelector('.react-flow__viewport')) {
            // The first frame with nodes is painted; the main thread is free when a task queued after it runs.
            requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
          } else requestAnimationFrame(check);
        };
        check();
      }),
  );
  await Promise.all(sizes);
  page.off('response', onResponse);
  const target = page.locator('.react-flow__node-step').nth(3);
  const box = (await target.boundingBox())!;
  const clicked = await page.evaluate(() => performance.now());
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.locator('.react-flow__node-step.selected').first().waitFor();
  const selectMs = (await page.evaluate(() => performance.now())) - clicked;
  const rendered = await page.locator('.react-flow__node-step').count();
  return { readyMs, selectMs, transferred, rendered };
}

async function dragOnce(page: Page): Promise<{ fps: number; worstFrameMs: number; longTasks: number; moved: boolean }> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __long: number; __stop: boolean };
    w.__frames = [];
    w.__long = 0;
    w.__stop = false;
    new PerformanceObserver((list) => void (w.__long += list.getEntries().length)).observe({ type: 'longtask' });
    const tick = (t: number) => {
      w.__frames.push(t);
      if (!w.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const id = await page.locator('.react-flow__node-step').nth(5).getAttribute('data-id');
  const node = page.locator(`.react-flow__node[data-id="${id}"]`);
  const before = await node.evaluate((el) => (el as HTMLElement).style.transform);
  const box = (await node.boundingBox())!;
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  const steps = 120;
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(x + Math.sin(i / 10) * 150 + i, y + Math.cos(i / 10) * 80);
    await page.waitForTimeout(16);
  }
  await page.mouse.up();
  const after = await node.evaluate((el) => (el as HTMLElement).style.transform);
  const frames = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __long: number; __stop: boolean };
    w.__stop = true;
    return { frames: w.__frames, long: w.__long };
  });
  const gaps = frames.frames.slice(1).map((t, i) => t - frames.frames[i]!);
  const span = frames.frames.at(-1)! - frames.frames[0]!;
  return {
    fps: ((frames.frames.length - 1) / span) * 1000,
    worstFrameMs: Math.max(...gaps),
    longTasks: frames.long,
    moved: before !== after,
  };
}

export async function run(options: ScenarioOptions & { runs?: number }): Promise<ScenarioResult> {
  const runs = options.runs ?? 5;
  ensureEditorBuilt({ root: ROOT, node: process.execPath });
  const initial = initialJavaScript(join(ROOT, 'editor', 'dist'));
  const database = await createDatabase('junction_b6');
  const junction = await startJunction({ databaseUrl: database.url });
  const browser = await chromium.launch({ executablePath: process.env.JUNCTION_CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  try {
    const workflow = await api<{ id: string }>(junction.url, 'POST', '/api/workflows', { name: 'B6: 500 nodes', graph: largeGraph() });
    const opens: Awaited<ReturnType<typeof openOnce>>[] = [];
    const drags: Awaited<ReturnType<typeof dragOnce>>[] = [];
    const fittedDrags: Awaited<ReturnType<typeof dragOnce>>[] = [];
    for (let i = 0; i < runs; i++) {
      // A fresh context each time: nothing cached, as on a first visit.
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      // Signed in (the session cookie set in this context), so the timing is the editor's, not the sign-in screen's.
      const signedIn = await context.request.post(`${junction.url}/api/auth/sign-in`, { data: BENCH_OWNER });
      if (!signedIn.ok()) throw new Error(`Signing in for B6 answered ${signedIn.status()}: ${await signedIn.text()}`);
      const page = await context.newPage();
      opens.push(await openOnce(page, `${junction.url}/workflows/${workflow.id}`));
      drags.push(await dragOnce(page));
      // The whole workflow in view: every node and connection drawn (as boxes at that zoom).
      await page.keyboard.press('Shift+!');
      await page.waitForTimeout(400);
      fittedDrags.push(await dragOnce(page));
      await context.close();
    }
    const m = machine(database.serverVersion);
    const data = {
      nodes: NODES,
      runs,
      openReadyMs: median(opens.map((o) => o.readyMs)),
      openReadyMsAll: opens.map((o) => Math.round(o.readyMs)),
      selectMs: median(opens.map((o) => o.selectMs)),
      openTransferredBytes: median(opens.map((o) => o.transferred)),
      dragFps: median(drags.map((d) => d.fps)),
      dragFpsAll: drags.map((d) => Math.round(d.fps * 10) / 10),
      dragWorstFrameMs: median(drags.map((d) => d.worstFrameMs)),
      dragLongTasks: median(drags.map((d) => d.longTasks)),
      fittedDragFps: median(fittedDrags.map((d) => d.fps)),
      fittedDragFpsAll: fittedDrags.map((d) => Math.round(d.fps * 10) / 10),
      fittedDragWorstFrameMs: median(fittedDrags.map((d) => d.worstFrameMs)),
      renderedAtOpen: median(opens.map((o) => o.rendered)),
      dragMoved: [...drags, ...fittedDrags].every((d) => d.moved),
      initialJs: initial,
      chromium: browser.version(),
      machine: m,
    };
    const report = [
      `B6 — editor, ${NODES}-node workflow, Chromium ${data.chromium} headless, 1280×800 (median of ${runs})`,
      `  machine        ${machineLine(m)}`,
      `  open → ready   ${Math.round(data.openReadyMs)} ms  (all: ${data.openReadyMsAll.join(', ')} ms; target ≤ 1500)`,
      `  click → select ${Math.round(data.selectMs)} ms`,
      `  drawn at open  ${data.renderedAtOpen} of ${NODES} nodes (the rest are outside the view)`,
      `  drag           ${data.dragFps.toFixed(1)} fps  (all: ${data.dragFpsAll.join(', ')}; worst frame ${Math.round(data.dragWorstFrameMs)} ms, ${data.dragLongTasks} long tasks; target ≥ 50)`,
      `  drag, all 500 in view (zoom to fit)  ${data.fittedDragFps.toFixed(1)} fps  (all: ${data.fittedDragFpsAll.join(', ')}; worst frame ${Math.round(data.fittedDragWorstFrameMs)} ms)`,
      `  initial JS     ${kib(initial.gzipBytes)} gzipped (${kib(initial.bytes)} raw, ${initial.files.length} files; target ≤ 400 KiB)`,
      `  opening a workflow transferred ${kib(data.openTransferredBytes)} of JS and CSS (compressed), canvas chunks included`,
    ].join('\n');
    if (!data.dragMoved) throw new Error('the dragged node did not move: the drag measured nothing');
    return { report, data };
  } finally {
    await browser.close();
    await junction.stop();
    await database.drop();
  }
}
