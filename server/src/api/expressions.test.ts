import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ worker: false });
});
afterAll(async () => {
  await h?.close();
});

const items = [{ json: { customer: { email: 'a@shop.tw' }, total: 1200 } }, { json: { total: 5 } }];
const preview = async (body: Record<string, unknown>) => (await h.call('POST', '/api/expressions/preview', { items, ...body })).body;

describe('POST /api/expressions/preview', () => {
  it('evaluates for the chosen item, keeping the type, and interpolates text', async () => {
    expect(await preview({ expression: '{{ $json.customer.email }}' })).toEqual({ value: 'a@shop.tw' });
    expect(await preview({ expression: '{{ $json.total }}', itemIndex: 1 })).toEqual({ value: 5 });
    expect(await preview({ expression: 'Total: {{ $json.total }} TWD' })).toEqual({ value: 'Total: 1200 TWD' });
  });

  it('runs JavaScript in the sandbox, seeing every item as in a run', async () => {
    expect(await preview({ expression: '{{ $json.total * 2 }}' })).toEqual({ value: 2400 });
    expect(await preview({ expression: '{{ $input.all().length }} items, this is {{ $itemIndex }}', itemIndex: 1 })).toEqual({ value: '2 items, this is 1' });
    // Item 1 has no customer: previewing item 0 must not fail because of it.
    expect(await preview({ expression: '{{ $json.customer.email.toUpperCase() }}', itemIndex: 0 })).toEqual({ value: 'A@SHOP.TW' });
  });

  it("gives nothing for a missing field, and the error's reason without naming a node", async () => {
    expect(await preview({ expression: '{{ $json.nope }}' })).toEqual({ defined: false });
    const failed = await preview({ expression: '{{ $json.nope.deeper }}' });
    expect(failed.error).toMatch(/^\{\{ \$json\.nope\.deeper \}\} failed: TypeError: Cannot read properties of undefined/);
    expect((await preview({ expression: '{{ (() => { while (true) {} })() }}' })).error).toContain('time limit');
    expect((await preview({ expression: '{{ ) }}' })).error).toContain('not a valid expression');
  });

  it('evaluates against one empty item when no items are sent, and says so', async () => {
    const note = 'No items were sent: the expression saw one empty item ($json is {})';
    expect(await preview({ items: [], expression: '{{ $json.customer }}' })).toEqual({ defined: false, note });
    expect(await preview({ items: [], expression: '{{ Object.keys($json).length }} / {{ $input.all().length }}' })).toEqual({ value: '0 / 1', note });
    expect(await preview({ items: [], expression: '{{ $json.customer.email }}' })).toMatchObject({ error: expect.stringContaining('TypeError'), note });
    const beyond = await h.call('POST', '/api/expressions/preview', { items: [], itemIndex: 1, expression: '{{ 1 }}' });
    expect(beyond.status).toBe(400);
    expect(beyond.body.error).toMatchObject({ path: 'itemIndex', message: 'There is no item 1; no items were sent (then item 0 is an empty one)' });
  });

  it("uses the workflow's name, time zone and node names, other steps' output and the variables", async () => {
    const graph = {
      nodes: [
        { id: 't', type: 'trigger.manual', name: 'Start' },
        { id: 'l', type: 'logic.noop', name: 'Lookup supplier' },
      ],
      edges: [{ source: 't', target: 'l' }],
      settings: { timezone: 'Asia/Taipei' },
    };
    const workflowId = await h.createWorkflow(graph, 'Low stock');
    expect((await h.call('POST', '/api/variables', { key: 'ERP_HOST', value: 'erp.shop.tw' })).status).toBe(201);
    const nodes = { 'Lookup supplier': [{ json: { email: 'buy@supplier.tw' } }] };
    expect(await preview({ workflowId, nodes, expression: '{{ $node("Lookup supplier").json.email }} for {{ $workflow.name }} at {{ $vars.ERP_HOST }}' })).toEqual({
      value: 'buy@supplier.tw for Low stock at erp.shop.tw',
    });
    expect(await preview({ workflowId, expression: '{{ $now.zoneName }}' })).toEqual({ value: 'Asia/Taipei' });
    // A node of the workflow that did not run gives null; a name it does not have is an error.
    expect(await preview({ workflowId, expression: '{{ $node("Start").isExecuted }}' })).toEqual({ value: false });
    expect((await preview({ workflowId, expression: '{{ $node("Nobody").json }}' })).error).toContain('refers to a node this workflow does not have');
  });

  it("pairs other steps' items by position (outputs come by name, without the run to follow lineage through)", async () => {
    const nodes = { Lookup: [{ json: { email: 'a@x.tw' } }, { json: { email: 'b@x.tw' } }], Config: [{ json: { shop: 'Tea House' } }] };
    const expression = '{{ $node("Lookup").json.email }} / {{ $node("Config").item.json.shop }} / {{ $node("Lookup").itemMatching($itemIndex).json.email }}';
    expect(await preview({ nodes, expression, itemIndex: 1 })).toEqual({ value: 'b@x.tw / Tea House / b@x.tw' });
    const three = [...items, { json: {} }];
    expect((await preview({ nodes, items: three, itemIndex: 2, expression: '{{ $node("Lookup").json.email }}' })).error).toBe(
      '{{ $node("Lookup").json.email }} failed: Error: Can\'t get data for $node("Lookup").item (item 3): "Lookup" emitted 2 item(s), and without a run to follow the lineage through, items are paired by position; use .first(), .last() or .all()',
    );
  });

  it('refuses a malformed request with a 400 naming the problem, and a workflow the caller may not see with a 404', async () => {
    const noExpression = await h.call('POST', '/api/expressions/preview', { items });
    expect(noExpression.status).toBe(400);
    expect(noExpression.body.error.path).toBe('expression');
    const noSuchItem = await h.call('POST', '/api/expressions/preview', { expression: '{{ $json.a }}', items, itemIndex: 5 });
    expect(noSuchItem.status).toBe(400);
    expect(noSuchItem.body.error.path).toBe('itemIndex');
    const workflowId = await h.createWorkflow({ nodes: [{ id: 't', type: 'trigger.manual', name: 'Start' }], edges: [] });
    const editor = await h.createUser('editor');
    const hidden = await h.callAs(editor.key, 'POST', '/api/expressions/preview', { expression: '{{ 1 }}', workflowId });
    expect(hidden.status).toBe(404);
  });
});
