/**
 * Step data stored apart from run rows (db/step-data.ts): the same data once per run,
 * run detail bounded whatever a run carries, every item reachable by paging, large pure
 * chains committed in parts, a step over the limit named, and earlier steps' items read
 * back when a later step asks for them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
/** A step may keep 12 MB here: the tests' large steps stay small enough for a shared machine. */
const STEP_LIMIT = 12 * 1024 * 1024;

beforeAll(async () => {
  h = await startHarness({ stepDataLimit: STEP_LIMIT, bodyLimit: 12 * 1024 * 1024, sandboxLimits: { maxOutputBytes: 32 * 1024 * 1024 } });
});

afterAll(async () => {
  await h?.close();
});

const edge = (source: string, target: string, sourcePort = 'main') => ({ source, sourcePort, target, targetPort: 'main' });
const manual = { id: 't', type: 'trigger.manual', name: 'Start' };
const code = (id: string, name: string, source: string, mode = 'allItems') => ({ id, type: 'code.javascript', name, params: { mode, code: source } });
/** A chain of nodes, each fed by the one before (by an If's true port). */
const chain = (nodes: { id: string; type?: string }[]) => nodes.slice(1).map((node, i) => edge(nodes[i]!.id, node.id, nodes[i]!.type === 'logic.if' ? 'true' : 'main'));

async function run(workflowId: string, input: unknown, timeoutMs = 30_000) {
  const response = await h.call('POST', `/api/workflows/${workflowId}/run`, input);
  expect(response.status).toBe(202);
  return h.waitForRun(response.body.runId, timeoutMs);
}

const query = async <T>(text: string, values: unknown[]) => (await h.database.pool.query(text, values)).rows as T[];

/** Every item of a list, page by page; each page's cursor is the previous page's. */
async function allPages(runId: string, nodeId: string, params: string, limit: number) {
  const items: unknown[] = [];
  let cursor: string | null = null;
  let pages = 0;
  let total = -1;
  do {
    const url: string = `/api/runs/${runId}/steps/${nodeId}/items?${params}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
    const page = await h.call('GET', url);
    expect(page.status).toBe(200);
    total = page.body.total;
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
    pages++;
  } while (cursor);
  return { items, total, pages };
}

describe('step data', () => {
  it('stores data that steps pass on once: a chain of pass-through steps adds nothing', async () => {
    const nodes = [
      manual,
      { id: 'a', type: 'logic.noop', name: 'Pass A' },
      { id: 'b', type: 'logic.if', name: 'All through', params: { conditions: [{ left: '{{ $json.n }}', op: 'gt', right: -1 }] } },
      { id: 'c', type: 'logic.noop', name: 'Pass C' },
      { id: 'd', type: 'transform.fields', name: 'Mark', params: { operations: [{ op: 'set', field: 'seen', value: true }] } },
      { id: 'e', type: 'logic.noop', name: 'Pass E' },
    ];
    const id = await h.createWorkflow({ nodes, edges: chain(nodes) });
    const input = Array.from({ length: 50 }, (_, n) => ({ n, sku: `SKU-${n}`, note: 'x'.repeat(2000) }));
    const detail = await run(id, input);
    expect(detail.status).toBe('succeeded');
    const chunks = await query<{ hash: string; bytes: number; count: number }>('select hash, bytes, count from step_data where run_id = $1', [detail.id]);
    // The input's items (trigger, a, b with pairing by index, c), and d's changed ones (d, e): two chunks.
    expect(chunks).toHaveLength(2);
    expect(chunks.every((chunk) => chunk.count === 50)).toBe(true);
    const steps = await query<{ node_id: string; output: { parts: { json: string }[]; paired: string }[] }>('select node_id, output from steps where run_id = $1', [detail.id]);
    const hashOf = (nodeId: string) => steps.find((s) => s.node_id === nodeId)!.output[0]!.parts[0]!.json;
    expect(new Set(['t', 'a', 'b', 'c'].map(hashOf)).size).toBe(1);
    expect(hashOf('d')).toBe(hashOf('e'));
    expect(hashOf('d')).not.toBe(hashOf('c'));
    // Pairing by index costs nothing; items stay paired as they were emitted.
    expect(steps.find((s) => s.node_id === 'b')!.output[0]!.paired).toBe('index');
    const e = detail.steps.find((s: { nodeId: string }) => s.nodeId === 'e');
    expect(e.output.main[3]).toEqual({ json: { ...input[3], seen: true }, pairedItem: 3 });
    expect(e.outputCounts).toEqual({ main: 50 });
  });

  it('answers run detail of a 10 MB webhook body through 10 steps in kilobytes, not hundreds of megabytes', async () => {
    const steps = [
      { id: 'hook', type: 'trigger.webhook', name: 'Order received', params: { path: 'big-order', include: 'body' } },
      { id: 's1', type: 'logic.noop', name: 'Step 1' },
      { id: 's2', type: 'transform.fields', name: 'Step 2', params: { operations: [{ op: 'set', field: 'checked', value: true }] } },
      { id: 's3', type: 'logic.if', name: 'Step 3', params: { conditions: [{ left: '{{ $json.total }}', op: 'gt', right: 0 }] } },
      ...Array.from({ length: 6 }, (_, i) => ({ id: `n${i}`, type: 'logic.noop', name: `Step ${i + 4}` })),
    ];
    const id = await h.createWorkflow({ nodes: steps, edges: chain(steps) });
    expect((await h.call('POST', `/api/workflows/${id}/activate`)).status).toBe(200);
    const lines = Array.from({ length: 21_000 }, (_, i) => ({ sku: `SKU-${String(i).padStart(6, '0')}`, qty: i % 7, note: 'y'.repeat(480) }));
    const body = JSON.stringify({ order: 'SO-1', total: 1234, lines });
    expect(body.length).toBeGreaterThan(10 * 1024 * 1024);
    const hook = await h.call('POST', '/hooks/big-order', body, { 'content-type': 'application/json' });
    expect(hook.status).toBe(202);
    const finished = await h.waitForRun(hook.body.runId, 60_000);
    expect(finished.status).toBe('succeeded');

    const response = await h.app.request(`/api/runs/${hook.body.runId}`, { headers: { authorization: `Bearer ${h.owner.key}` } });
    const text = await response.text();
    // What the detail held when every step's input and output came whole: about 2 × 10 × 10 MB.
    const whole = body.length * (2 * steps.length + 2);
    expect(text.length).toBeLessThan(200 * 1024);
    expect(text.length * 1000).toBeLessThan(whole);
    const detail = JSON.parse(text);
    const last = detail.steps.find((s: { nodeId: string }) => s.nodeId === 'n5');
    expect(last.outputCounts).toEqual({ main: 1 });
    const preview = last.output.main[0];
    expect(preview.truncated.bytes).toBeGreaterThan(10 * 1024 * 1024);
    // Every small field shows, and the beginning of the large one.
    expect(preview.json.order).toBe('SO-1');
    expect(preview.json.total).toBe(1234);
    expect(preview.json.checked).toBe(true);
    expect(preview.json.lines[0]).toEqual(lines[0]);
    expect(preview.json.lines.length).toBeLessThan(20);
    expect(detail.input[0].truncated.bytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(detail.outputCount).toBe(1);

    // Stored: the body's JSON once, and once more as changed by Step 2 — not twenty times.
    const [stored] = await query<{ bytes: string }>('select sum(bytes)::text as bytes from step_data where run_id = $1', [hook.body.runId]);
    expect(Number(stored!.bytes)).toBeLessThan(2.2 * body.length);
    // The whole item is still there, one page away.
    const page = await h.call('GET', `/api/runs/${hook.body.runId}/steps/n5/items`);
    expect(page.status).toBe(200);
    expect(page.body.items[0].json.lines).toHaveLength(21_000);
    expect(page.body.items[0].json.lines[20_999]).toEqual(lines[20_999]);
  });

  it('pages through a step output and a joined input: every item exactly once, in order', async () => {
    const nodes = [
      manual,
      code('gen', 'Generate', 'return Array.from({ length: 2500 }, (_, i) => ({ json: { i, even: i % 2 === 0 } }));'),
      { id: 'split', type: 'logic.if', name: 'Even?', params: { conditions: [{ left: '{{ $json.even }}', op: 'equals', right: true }] } },
      { id: 'join', type: 'logic.noop', name: 'Both' },
    ];
    const id = await h.createWorkflow({ nodes, edges: [edge('t', 'gen'), edge('gen', 'split'), edge('split', 'join', 'true'), edge('split', 'join', 'false')] });
    const detail = await run(id, {});
    expect(detail.status).toBe('succeeded');
    const gen = detail.steps.find((s: { nodeId: string }) => s.nodeId === 'gen');
    expect(gen.outputCounts).toEqual({ main: 2500 });
    expect(gen.output.main).toHaveLength(20);

    const output = await allPages(detail.id, 'gen', 'side=output&port=main', 7);
    expect(output.total).toBe(2500);
    expect(output.pages).toBe(Math.ceil(2500 / 7));
    expect(output.items.map((item: any) => item.json.i)).toEqual(Array.from({ length: 2500 }, (_, i) => i));

    // The join's input: the even items (true), then the odd ones (false), across both sources.
    const input = await allPages(detail.id, 'join', 'side=input', 333);
    expect(input.total).toBe(2500);
    const expected = [...Array.from({ length: 1250 }, (_, k) => 2 * k), ...Array.from({ length: 1250 }, (_, k) => 2 * k + 1)];
    expect(input.items.map((item: any) => item.json.i)).toEqual(expected);
    expect((input.items[1250] as any).pairedItem).toBe(1);

    const falsePort = await allPages(detail.id, 'split', 'port=false', 1000);
    expect(falsePort.items.map((item: any) => item.pairedItem)).toEqual(Array.from({ length: 1250 }, (_, k) => 2 * k + 1));
  });

  it('refuses a cursor it did not give, or one for another list, with a 400 saying so', async () => {
    const nodes = [manual, code('gen', 'Generate', 'return Array.from({ length: 30 }, (_, i) => ({ json: { i } }));')];
    const id = await h.createWorkflow({ nodes, edges: chain(nodes) });
    const detail = await run(id, {});
    const first = await h.call('GET', `/api/runs/${detail.id}/steps/gen/items?limit=10`);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    for (const cursor of ['not-a-cursor', Buffer.from('output|main|99').toString('base64url'), Buffer.from('output|main|-1').toString('base64url')]) {
      const bad = await h.call('GET', `/api/runs/${detail.id}/steps/gen/items?cursor=${cursor}`);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'invalid_cursor', path: 'cursor' });
    }
    const otherList = await h.call('GET', `/api/runs/${detail.id}/steps/gen/items?side=input&cursor=${first.body.nextCursor}`);
    expect(otherList.status).toBe(400);
    expect(otherList.body.error.code).toBe('invalid_cursor');
    const port = await h.call('GET', `/api/runs/${detail.id}/steps/gen/items?port=nope`);
    expect(port.status).toBe(400);
    expect(port.body.error).toMatchObject({ code: 'unknown_port', path: 'port' });
    expect(port.body.error.message).toContain('"main"');
    const step = await h.call('GET', `/api/runs/${detail.id}/steps/nope/items`);
    expect(step.status).toBe(404);
    const limit = await h.call('GET', `/api/runs/${detail.id}/steps/gen/items?limit=0`);
    expect(limit.status).toBe(400);
    // Whoever may not read the run may not read its items either, and learns nothing more.
    const stranger = await h.createUser('editor');
    const runDetail = await h.callAs(stranger.key, 'GET', `/api/runs/${detail.id}`);
    const items = await h.callAs(stranger.key, 'GET', `/api/runs/${detail.id}/steps/gen/items`);
    expect(runDetail.status).toBe(404);
    expect(items.status).toBe(runDetail.status);
    expect(items.body.error.code).toBe(runDetail.body.error.code);
  });

  it('commits a pure chain carrying much data in parts, and finishes with every item stored', async () => {
    // Three Code steps of about 9 MB each: more than a part, so the chain is committed in several.
    const big = (id: string, name: string, tag: string) => code(id, name, `return Array.from({ length: 2200 }, (_, i) => ({ json: { i, tag: '${tag}', pad: '${tag}'.repeat(4000) } }));`);
    const nodes = [manual, big('a', 'Catalogue A', 'a'), big('b', 'Catalogue B', 'b'), big('c', 'Catalogue C', 'c'), { id: 'end', type: 'logic.noop', name: 'End' }];
    const id = await h.createWorkflow({ nodes, edges: chain(nodes), settings: { timezone: 'UTC', timeoutSeconds: 120, memoryMb: 256, codeTimeoutMs: 30_000 } });
    const detail = await run(id, {}, 90_000);
    expect(detail.status).toBe('succeeded');
    const [row] = await query<{ version: number }>('select version from runs where id = $1', [detail.id]);
    // One commit would leave version 1: the chain took several.
    expect(row!.version).toBeGreaterThanOrEqual(3);
    // No stored value nears PostgreSQL's limits: parts are a megabyte or so.
    const [largest] = await query<{ bytes: number; rows: string }>('select max(bytes) as bytes, count(*)::text as rows from step_data where run_id = $1', [detail.id]);
    expect(largest!.bytes).toBeLessThanOrEqual(1.1 * 1024 * 1024);
    const page = await allPages(detail.id, 'c', 'side=output', 1000);
    expect(page.total).toBe(2200);
    expect(page.items.map((item: any) => item.json.i)).toEqual(Array.from({ length: 2200 }, (_, i) => i));
    expect((page.items[2199] as any).json.pad).toHaveLength(4000);
  });

  it('fails a run whose step emits more than a step may keep, naming that step, and keeps the steps before it', async () => {
    const nodes = [
      manual,
      code('small', 'Prepare', 'return [{ json: { ok: true } }];'),
      code('first', 'Fetch prices', "return Array.from({ length: 1500 }, (_, i) => ({ json: { i, pad: 'p'.repeat(4000) } }));"),
      code('huge', 'Explode catalogue', "return Array.from({ length: 3500 }, (_, i) => ({ json: { i, pad: 'h'.repeat(4000) } }));"),
      code('after', 'Never runs', 'return $input.all();'),
    ];
    const id = await h.createWorkflow({ nodes, edges: chain(nodes), settings: { timezone: 'UTC', timeoutSeconds: 120, memoryMb: 256, codeTimeoutMs: 30_000 } });
    const detail = await run(id, {}, 90_000);
    expect(detail.status).toBe('failed');
    expect(detail.error).toMatchObject({ name: 'StorageError', nodeId: 'huge', retriable: false });
    expect(detail.error.message).toMatch(/it is 13\.\d MB of data, more than the 12\.0 MB a step may keep \(JUNCTION_STEP_DATA_LIMIT\)/);
    const byId = Object.fromEntries(detail.steps.map((s: { nodeId: string }) => [s.nodeId, s]));
    expect(byId.t.status).toBe('succeeded');
    expect(byId.small.status).toBe('succeeded');
    expect(byId.first).toMatchObject({ status: 'succeeded', outputCounts: { main: 1500 } });
    expect(byId.huge).toMatchObject({ status: 'failed', output: null, error: { name: 'StorageError' } });
    expect(byId.after).toBeUndefined();
    expect((await allPages(detail.id, 'first', 'side=output', 1000)).total).toBe(1500);
  });

  it('reads earlier steps back from storage: $node("Name"), lineage and Code after the run waited', async () => {
    const nodes = [
      manual,
      code('lookup', 'Lookup', "return $input.all().map((item, i) => ({ json: { sku: item.json.sku, email: 'buyer' + i + '@shop.test' }, pairedItem: i }));"),
      { id: 'pause', type: 'logic.wait', name: 'Pause', params: { waitFor: { mode: 'duration', amount: 1, unit: 'seconds' } } },
      {
        id: 'use',
        type: 'transform.fields',
        name: 'Use',
        params: { operations: [{ op: 'set', field: 'email', value: '{{ $node("Lookup").item.json.email }}' }, { op: 'set', field: 'count', value: '{{ $node("Lookup").all().length }}' }] },
      },
      code('sum', 'Sum', 'return [{ json: { skus: $node("Lookup").all().map((i) => i.json.sku).join(","), first: $("Start").first().json.sku } }];'),
    ];
    const id = await h.createWorkflow({ nodes, edges: chain(nodes) });
    const input = Array.from({ length: 1500 }, (_, i) => ({ sku: `S${i}` }));
    const detail = await run(id, input);
    expect(detail.status).toBe('succeeded');
    const use = await allPages(detail.id, 'use', 'side=output', 1000);
    expect(use.items.map((item: any) => item.json.email)).toEqual(input.map((_, i) => `buyer${i}@shop.test`));
    expect((use.items[0] as any).json.count).toBe(1500);
    // Sum's one item is larger than a preview shows: its page has the whole of it.
    const sum = detail.steps.find((s: { nodeId: string }) => s.nodeId === 'sum');
    expect(sum.output.main[0].truncated.bytes).toBeGreaterThan(7000);
    const [whole] = (await allPages(detail.id, 'sum', 'side=output', 10)).items as any[];
    expect(whole.json.first).toBe('S0');
    expect(whole.json.skus.split(',')).toEqual(input.map((item) => item.sku));
  });

  it('a retried run keeps the items of the steps it does not run again', async () => {
    const nodes = [manual, code('gen', 'Generate', 'return Array.from({ length: 1200 }, (_, i) => ({ json: { i } }));'), code('boom', 'Fails', "throw new Error('ERP down')")];
    const id = await h.createWorkflow({ nodes, edges: chain(nodes) });
    const failed = await run(id, {});
    expect(failed.status).toBe('failed');
    const retry = await h.call('POST', `/api/runs/${failed.id}/retry`);
    expect(retry.status).toBe(202);
    const again = await h.waitForRun(retry.body.runId);
    expect(again.steps.find((s: { nodeId: string }) => s.nodeId === 'gen').outputCounts).toEqual({ main: 1200 });
    // The failing step got its input from the kept step's items, copied with it.
    expect(again.steps.find((s: { nodeId: string }) => s.nodeId === 'boom').inputCount).toBe(1200);
    expect((await allPages(again.id, 'gen', 'side=output', 1000)).items).toHaveLength(1200);
    await h.database.pool.query('delete from runs where id = $1', [failed.id]);
    expect((await allPages(again.id, 'gen', 'side=output', 500)).items.map((item: any) => item.json.i)).toEqual(Array.from({ length: 1200 }, (_, i) => i));
  });
});
