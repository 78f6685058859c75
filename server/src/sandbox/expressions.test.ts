/**
 * Expressions as a user writes them, through real runs: the worker, its sandbox
 * processes and the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const manual = { id: 't', type: 'trigger.manual', name: 'Start' };
const set = (id: string, name: string, fields: Record<string, unknown>) => ({
  id,
  type: 'transform.fields',
  name,
  params: { operations: Object.entries(fields).map(([field, value]) => ({ op: 'set', field, value })) },
});

/** Runs manual → each node in a chain; returns the run detail. */
async function chain(nodes: object[], input: unknown, settings?: object, name?: string) {
  const all = [manual, ...nodes] as { id: string }[];
  const edges = all.slice(1).map((node, i) => ({ source: all[i]!.id, target: node.id }));
  const id = await h.createWorkflow({ nodes: all, edges, ...(settings ? { settings } : {}) }, name);
  const response = await h.call('POST', `/api/workflows/${id}/run`, input);
  expect(response.status).toBe(202);
  return h.waitForRun(response.body.runId);
}

const output = (detail: any, nodeId: string) => detail.steps.find((s: any) => s.nodeId === nodeId)?.output?.main?.map((i: any) => i.json);
const step = (detail: any, nodeId: string) => detail.steps.find((s: any) => s.nodeId === nodeId);

describe('expressions', () => {
  it('keep their type when a param is exactly one expression, and interpolate mixed text', async () => {
    const detail = await chain(
      [
        set('calc', 'Calculate', {
          amount: '{{ $json.qty * $json.price }}',
          big: '{{ $json.qty * $json.price > 10 }}',
          customer: '{{ $json.customer }}',
          lines: '{{ [1, 2, 3].map((n) => n * $json.qty) }}',
          label: 'Order {{ $json.id }} for {{ $json.customer }} ({{ $json.missing }})',
          nameLength: '{{ $json.customer.name.length }}',
          spaced: '{{ $json["order id"] }}',
        }),
      ],
      { id: 'SO-1', qty: 3, price: 4.5, customer: { name: 'Ana' }, 'order id': 7 },
    );
    expect(detail.status).toBe('succeeded');
    expect(output(detail, 'calc')[0]).toMatchObject({
      amount: 13.5,
      big: true,
      customer: { name: 'Ana' },
      lines: [3, 6, 9],
      label: 'Order SO-1 for {"name":"Ana"} ()',
      nameLength: 3,
      spaced: 7,
    });
  });

  it('evaluate for every item of a step, each item seeing its own $json and $itemIndex', async () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ n: i }));
    const detail = await chain([set('sq', 'Square', { square: '{{ $json.n * $json.n }}', position: '{{ $itemIndex }} of {{ $input.all().length }}' })], items);
    // Run detail previews a step's first items; the items route gives them all.
    const page = await h.call('GET', `/api/runs/${detail.id}/steps/sq/items?limit=100`);
    expect(page.body.total).toBe(50);
    const squares = page.body.items.map((item: { json: { square: number; position: string } }) => item.json);
    expect(squares.map((json: { square: number }) => json.square)).toEqual(items.map(({ n }) => n * n));
    expect(squares[49].position).toBe('49 of 50');
  });

  it('read other steps with $node("Name"), $("Name") and $node["Name"]', async () => {
    const detail = await chain(
      [
        set('lookup', 'Lookup supplier', { email: 'buyer@supplier.example', sku: '{{ $json.sku }}' }),
        set('mark', 'Mark', { marked: true }),
        set('use', 'Use', {
          email: '{{ $node("Lookup supplier").json.email }}',
          viaDollar: "{{ $('Lookup supplier').first().json.sku }}",
          viaBracket: '{{ $node["Lookup supplier"].json.email.toUpperCase() }}',
          count: '{{ $node("Lookup supplier").all().length }}',
          executed: '{{ $node("Start").isExecuted }}',
        }),
      ],
      { sku: 'TEE-BLK-M' },
    );
    expect(detail.status).toBe('succeeded');
    expect(output(detail, 'use')[0]).toMatchObject({
      email: 'buyer@supplier.example',
      viaDollar: 'TEE-BLK-M',
      viaBracket: 'BUYER@SUPPLIER.EXAMPLE',
      count: 1,
      executed: true,
    });
  });

  it('read nodes whose names are also names of function properties', async () => {
    const detail = await chain(
      [set('p', 'prototype', { x: 1 }), set('n', 'name', { y: 2 }), set('use', 'Use', { x: '{{ $node("prototype").json.x + $node["name"].json.y }}', viaProperty: '{{ $node.name.json.y }}' })],
      {},
    );
    expect(output(detail, 'use')[0]).toMatchObject({ x: 3, viaProperty: 2 });
  });

  it('explain $node with a name computed at run time, or one no node has', async () => {
    const computed = await chain([set('use', 'Use', { x: '{{ $node("Sta" + "rt").json }}' })], {});
    expect(computed.status).toBe('failed');
    expect(step(computed, 'use').error.message).toMatch(/write the node's name in quotes/);

    const unknown = await chain([set('use', 'Use', { x: '{{ $node("Nope").json }}' })], {});
    expect(step(unknown, 'use').error.message).toMatch(/Node "Use".*\$node\("Nope"\) refers to a node this workflow does not have/);
  });

  it('know the run, the workflow, the variables and the time zone', async () => {
    await h.call('POST', '/api/variables', { key: 'ERP_URL', value: 'https://erp.example' });
    const detail = await chain(
      [
        set('facts', 'Facts', {
          runId: '{{ $run.id }}',
          startedAt: '{{ $run.startedAt }}',
          workflow: '{{ $workflow.name }} v{{ $workflow.version }}',
          workflowId: '{{ $workflow.id }}',
          erp: '{{ $vars.ERP_URL }}/orders',
          zone: '{{ $now.zoneName }}',
          today: '{{ $today.toISODate() === $now.toISODate() && $today.hour === 0 }}',
          taipeiHour: "{{ DateTime.fromISO('2026-01-01T00:00:00Z').toFormat('HH:mm') }}",
          isoDate: '{{ $now.toISODate() }}',
        }),
      ],
      {},
      { timezone: 'Asia/Taipei' },
      'Facts flow',
    );
    expect(detail.status).toBe('succeeded');
    const facts = output(detail, 'facts')[0];
    expect(facts).toMatchObject({
      runId: detail.id,
      workflow: 'Facts flow v1',
      workflowId: detail.workflowId,
      erp: 'https://erp.example/orders',
      zone: 'Asia/Taipei',
      today: true,
      taipeiHour: '08:00',
    });
    expect(Date.parse(facts.startedAt)).toBe(Date.parse(detail.createdAt));
    const taipeiDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Taipei' }).format(new Date());
    expect(facts.isoDate).toBe(taipeiDate);
  });

  it('never evaluate data: a webhook body holding {{ }} stays text', async () => {
    const detail = await chain([set('copy', 'Copy', { note: '{{ $json.note }}', both: 'note: {{ $json.note }}' })], { note: '{{ 6 * 7 }}' });
    expect(output(detail, 'copy')[0]).toMatchObject({ note: '{{ 6 * 7 }}', both: 'note: {{ 6 * 7 }}' });
  });

  it('fail the step naming the node, the parameter, the item and the expression', async () => {
    const detail = await chain([set('calc', 'Calculate', { ok: 1, city: '{{ $json.customer.address.city }}' })], [{ customer: { address: { city: 'Taipei' } } }, { customer: {} }]);
    expect(detail.status).toBe('failed');
    const error = step(detail, 'calc').error;
    expect(error.message).toContain('Node "Calculate", parameter operations[1].value, item 2: {{ $json.customer.address.city }} failed: TypeError: Cannot read properties of undefined');
    expect(error).toMatchObject({ retriable: false, details: { parameter: 'operations[1].value', item: 1, expression: '$json.customer.address.city' } });
  });

  it('report a syntax error with the parameter it is in', async () => {
    const detail = await chain([set('calc', 'Calculate', { fine: '{{ 1 + 1 }}', broken: 'x {{ $json.a + }}' })], {});
    expect(step(detail, 'calc').error.message).toMatch(/^Node "Calculate", parameter operations\[1\]\.value: \{\{ \$json\.a \+ \}\} is not a valid expression: Unexpected token/);
  });

  it('stop an endless expression at the time limit and say so', async () => {
    const started = Date.now();
    const detail = await chain([set('loop', 'Loop', { x: '{{ (() => { while (true) {} })() }}' })], {}, { expressionTimeoutMs: 50 });
    expect(Date.now() - started).toBeLessThan(5000);
    const error = step(detail, 'loop').error;
    expect(error.message).toMatch(/Node "Loop": its expressions ran longer than the 50 ms time limit \(the time limit; see expressionTimeoutMs/);
    expect(error.details).toEqual({ limit: 'time' });
  });

  it('leave {{ }} in a Code node\'s code alone', async () => {
    const detail = await chain([{ id: 'code', type: 'code.javascript', name: 'Code', params: { code: "return [{ json: { template: '{{ name }}' } }]" } }], {});
    expect(output(detail, 'code')[0]).toEqual({ template: '{{ name }}' });
  });
});
