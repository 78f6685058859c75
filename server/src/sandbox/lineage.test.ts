/**
 * Paired-item lineage as a user meets it: `$node("Name").item` / `.json` in expressions
 * and Code is the item of that node the current item comes from, followed back through
 * real runs (worker, sandbox processes, database).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';
import { listen, type LocalServer } from '../testing/http.ts';

let h: Harness;
let server: LocalServer;
/** Per path: statuses to answer in turn (the last one repeats). */
const script = new Map<string, number[]>();

beforeAll(async () => {
  h = await startHarness();
  server = await listen((req, res) => {
    const statuses = script.get(req.url ?? '/') ?? [200];
    const status = statuses.length > 1 ? statuses.shift()! : statuses[0]!;
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: status < 400 }));
    });
  });
});

afterAll(async () => {
  await h?.close();
  await server?.close();
});

const manual = { id: 't', type: 'trigger.manual', name: 'Start' };
const edge = (source: string, target: string, sourcePort = 'main') => ({ source, sourcePort, target, targetPort: 'main' });
const set = (id: string, name: string, fields: Record<string, unknown>) => ({
  id,
  type: 'transform.fields',
  name,
  params: { operations: Object.entries(fields).map(([field, value]) => ({ op: 'set', field, value })) },
});
const code = (id: string, name: string, source: string, mode: 'allItems' | 'perItem' = 'allItems') => ({ id, type: 'code.javascript', name, params: { mode, code: source } });

async function run(graph: { nodes: object[]; edges: object[] }, input: unknown) {
  const id = await h.createWorkflow(graph);
  const response = await h.call('POST', `/api/workflows/${id}/run`, input);
  expect(response.status).toBe(202);
  return h.waitForRun(response.body.runId);
}

/** Start → each node in a chain. */
const chain = (nodes: ({ id: string } & Record<string, unknown>)[], input: unknown) =>
  run({ nodes: [manual, ...nodes], edges: nodes.map((node, i) => edge(i === 0 ? 't' : nodes[i - 1]!.id, node.id)) }, input);

const step = (detail: any, nodeId: string) => detail.steps.find((s: any) => s.nodeId === nodeId);
const output = (detail: any, nodeId: string, port = 'main') => step(detail, nodeId)?.output?.[port]?.map((i: any) => i.json);

const ORDERS = [
  { id: 'SO-1', total: 50, supplier: 'acme' },
  { id: 'SO-2', total: 500, supplier: 'globex' },
  { id: 'SO-3', total: 80, supplier: 'initech' },
  { id: 'SO-4', total: 900, supplier: 'umbrella' },
];

describe('paired-item lineage', () => {
  it('follows each item back through if → fields → code to the item it came from', async () => {
    const detail = await run(
      {
        nodes: [
          manual,
          set('lookup', 'Lookup supplier', { email: '{{ $json.supplier }}@supplier.example' }),
          { id: 'if', type: 'logic.if', name: 'Big?', params: { conditions: [{ left: '{{ $json.total }}', op: 'gt', right: 100 }] } },
          set('mark', 'Mark', { priority: 'high', buyer: '{{ $node("Lookup supplier").json.email }}' }),
          code(
            'po',
            'Draft PO',
            'return { order: $json.id, to: $node("Lookup supplier").json.email, start: $("Start").item.json.id, total: $node["Start"].item.json.total, lookups: $node("Lookup supplier").all().length, first: $("Start").first().json.id };',
            'perItem',
          ),
        ],
        edges: [edge('t', 'lookup'), edge('lookup', 'if'), edge('if', 'mark', 'true'), edge('mark', 'po')],
      },
      ORDERS,
    );
    expect(detail.status).toBe('succeeded');
    // Positionally, items 0 and 1 of "Lookup supplier" would be acme and globex: lineage gives globex and umbrella.
    expect(output(detail, 'mark').map((json: any) => json.buyer)).toEqual(['globex@supplier.example', 'umbrella@supplier.example']);
    expect(output(detail, 'po')).toEqual([
      { order: 'SO-2', to: 'globex@supplier.example', start: 'SO-2', total: 500, lookups: 4, first: 'SO-1' },
      { order: 'SO-4', to: 'umbrella@supplier.example', start: 'SO-4', total: 900, lookups: 4, first: 'SO-1' },
    ]);
    // Each step's items remember the input item they came from.
    expect(step(detail, 'if').output.true.map((i: any) => i.pairedItem)).toEqual([1, 3]);
    expect(step(detail, 'po').output.main.map((i: any) => i.pairedItem)).toEqual([0, 1]);
  });

  it('follows items a node fanned out back to the item each came from, in expressions and with itemMatching in Code', async () => {
    const orders = [
      { id: 'SO-1', lines: [{ sku: 'TEE-S' }, { sku: 'TEE-M' }] },
      { id: 'SO-2', lines: [{ sku: 'CAP' }] },
      { id: 'SO-3', lines: [{ sku: 'MUG' }, { sku: 'PEN' }, { sku: 'BAG' }] },
    ];
    const detail = await chain(
      [
        code('split', 'Split lines', 'return $json.lines;', 'perItem'),
        set('pick', 'Pick', { order: '{{ $node("Start").json.id }}' }),
        code('totals', 'Totals', "return $input.all().map((item, i) => ({ json: { sku: item.json.sku, order: $('Start').itemMatching(i).json.id } }));"),
      ],
      orders,
    );
    expect(detail.status).toBe('succeeded');
    expect(step(detail, 'split').output.main.map((i: any) => i.pairedItem)).toEqual([0, 0, 1, 2, 2, 2]);
    const expected = ['SO-1', 'SO-1', 'SO-2', 'SO-3', 'SO-3', 'SO-3'];
    expect(output(detail, 'pick').map((json: any) => json.order)).toEqual(expected);
    expect(output(detail, 'totals').map((json: any) => `${json.order} ${json.sku}`)).toEqual(['SO-1 TEE-S', 'SO-1 TEE-M', 'SO-2 CAP', 'SO-3 MUG', 'SO-3 PEN', 'SO-3 BAG']);
  });

  it('keeps the pairedItem an all-items Code node returns: an index, n8n’s { item }, or a list for an item made from several', async () => {
    const detail = await chain(
      [
        code(
          'group',
          'Group',
          `const out = [];
$input.all().forEach((order, i) => {
  for (const line of order.json.lines) out.push({ json: { sku: line }, pairedItem: i % 2 === 0 ? i : { item: i } });
});
out.push({ json: { summary: 'first two' }, pairedItem: [0, 1] });
out.push({ json: { summary: 'last' }, pairedItem: [{ item: 2 }] });
return out;`,
        ),
        set('use', 'Use', { order: '{{ $json.summary === "first two" ? $node("Start").all().length : $node("Start").json.id }}' }),
      ],
      [
        { id: 'SO-1', lines: ['A', 'B'] },
        { id: 'SO-2', lines: ['C'] },
        { id: 'SO-3', lines: ['D'] },
      ],
    );
    expect(detail.status).toBe('succeeded');
    expect(step(detail, 'group').output.main.map((i: any) => i.pairedItem)).toEqual([0, 0, 1, 2, [0, 1], 2]);
    expect(output(detail, 'use').map((json: any) => json.order)).toEqual(['SO-1', 'SO-1', 'SO-2', 'SO-3', 3, 'SO-3']);

    // An item made from two different orders belongs to neither: asking which is an error naming both ends.
    const ambiguous = await chain(
      [code('group', 'Group', 'return [{ json: { n: 2 }, pairedItem: [0, 1] }];'), set('use', 'Use', { order: '{{ $node("Start").json.id }}' })],
      [{ id: 'SO-1' }, { id: 'SO-2' }],
    );
    expect(step(ambiguous, 'use').error.message).toContain(
      'Can\'t get data for $node("Start").item (item 1): it comes from several items of "Start", so which one is meant is unclear; use .all(), .first() or .last()',
    );

    // An index the code did not receive fails the Code step itself.
    const invalid = await chain([code('group', 'Group', 'return [{ json: {}, pairedItem: 7 }];')], [{ id: 'SO-1' }, { id: 'SO-2' }]);
    expect(step(invalid, 'group').error.message).toBe('Code in "Group": Error: Item 1 of what the code returned has pairedItem 7, which is not the index of one of the 2 item(s) the code received');
  });

  it('pairs what all-items code returns without pairedItem: the input items themselves, by position when as many, else to the only item', async () => {
    const input = [
      { id: 'SO-1', n: 1 },
      { id: 'SO-2', n: 2 },
      { id: 'SO-3', n: 3 },
    ];
    const through = async (source: string, data: unknown = input) => {
      const detail = await chain([code('c', 'Code', source), set('use', 'Use', { order: '{{ $node("Start").json.id }}' })], data);
      expect(detail.status).toBe('succeeded');
      return { paired: step(detail, 'c').output.main.map((i: any) => i.pairedItem), orders: output(detail, 'use').map((json: any) => `${json.n ?? json.a}:${json.order}`) };
    };
    // Sorted: the same items, so each keeps its own order.
    expect(await through('return $input.all().sort((a, b) => b.json.n - a.json.n);')).toEqual({ paired: [2, 1, 0], orders: ['3:SO-3', '2:SO-2', '1:SO-1'] });
    // Filtered to their json: fewer items, still the same objects.
    expect(await through('return $input.all().filter((item) => item.json.n !== 2).map((item) => item.json);')).toEqual({ paired: [0, 2], orders: ['1:SO-1', '3:SO-3'] });
    // New objects, as many as came in: by position.
    expect(await through('return $input.all().map((item) => ({ json: { n: item.json.n * 10 } }));')).toEqual({ paired: [0, 1, 2], orders: ['10:SO-1', '20:SO-2', '30:SO-3'] });
    // One item in, several out: all from that one.
    expect(await through('return [{ a: 1 }, { a: 2 }];', { id: 'SO-9' })).toEqual({ paired: [0, 0], orders: ['1:SO-9', '2:SO-9'] });
  });

  it('fails .item and .json with a clear error when the lineage is lost, unless the node emitted one item; .first() and .all() still work', async () => {
    const summarise = code('sum', 'Summarise', 'return [{ total: $input.all().reduce((sum, item) => sum + item.json.n, 0) }, { note: "two" }];');
    const use = set('use', 'Use', { order: '{{ $node("Start").json.id }}' });
    const lost = await chain([summarise, use], [{ id: 'SO-1', n: 1 }, { id: 'SO-2', n: 2 }, { id: 'SO-3', n: 3 }]);
    expect(lost.status).toBe('failed');
    expect(step(lost, 'sum').output.main.every((i: any) => i.pairedItem === undefined)).toBe(true);
    const error = step(lost, 'use').error;
    expect(error.message).toBe(
      'Node "Use", parameter operations[0].value, item 1: {{ $node("Start").json.id }} failed: Error: Can\'t get data for $node("Start").item (item 1): paired item data unavailable: "Summarise" emitted items without saying which input item each came from (pairedItem)',
    );
    expect(error.details).toMatchObject({ parameter: 'operations[0].value', item: 0 });

    // Lost the same way after a run that started with one item: that item is what every later item means.
    const single = await chain([code('explode', 'Explode', 'return [1, 2, 3].map((n) => ({ n }));', 'perItem'), summarise, use], { id: 'SO-7' });
    expect(single.status).toBe('succeeded');
    expect(step(single, 'sum').output.main.every((i: any) => i.pairedItem === undefined)).toBe(true);
    expect(output(single, 'use').map((json: any) => json.order)).toEqual(['SO-7', 'SO-7']);

    const positional = await chain([summarise, set('use', 'Use', { first: '{{ $node("Start").first().json.id }}', all: '{{ $node("Start").all().length }}', ran: '{{ $node("Start").isExecuted }}' })], [
      { id: 'SO-1', n: 1 },
      { id: 'SO-2', n: 2 },
    ]);
    expect(output(positional, 'use')[1]).toMatchObject({ first: 'SO-1', all: 2, ran: true });

    // Code once for all items has no current item: .item says what to use instead.
    const allItems = await chain([code('c', 'Code', 'return [{ id: $("Start").item.json.id }];')], [{ id: 'SO-1' }, { id: 'SO-2' }]);
    expect(step(allItems, 'c').error.message).toMatch(/^Code in "Code", line 1, column \d+: Error: \$node\("Start"\)\.item is the item the current item comes from, and code that runs once for all items has no current item: use \$node\("Start"\)\.itemMatching\(index\)/);
  });

  it('says when an item does not come from the named node at all (another branch), unless that node emitted one item', async () => {
    const graph = {
      nodes: [
        manual,
        { id: 'if', type: 'logic.if', name: 'Big?', params: { conditions: [{ left: '{{ $json.total }}', op: 'gt', right: 100 }] } },
        set('big', 'Big', { size: 'big' }),
        set('small', 'Small', { size: 'small' }),
        { id: 'join', type: 'logic.noop', name: 'Join' },
        set('use', 'Use', { big: '{{ $node("Big").json.id }}' }),
      ],
      edges: [edge('t', 'if'), edge('if', 'big', 'true'), edge('if', 'small', 'false'), edge('big', 'join'), edge('small', 'join'), edge('join', 'use')],
    };
    const twoBig = await run(graph, ORDERS);
    expect(twoBig.status).toBe('failed');
    // Join receives Big's two items, then Small's: item 3 is SO-1, which went the other way.
    expect(step(twoBig, 'use').error.message).toContain(
      'item 3: {{ $node("Big").json.id }} failed: Error: Can\'t get data for $node("Big").item (item 3): it does not come from any item of "Big" ("Big" is not on the path that led to it)',
    );
    const oneBig = await run(graph, ORDERS.slice(0, 3));
    expect(oneBig.status).toBe('succeeded');
    expect(output(oneBig, 'use').map((json: any) => `${json.id}:${json.big}`)).toEqual(['SO-2:SO-2', 'SO-1:SO-2', 'SO-3:SO-2']);
  });

  it('follows lineage through steps a later worker job loaded from the database (a step retried after backoff)', async () => {
    script.set('/flaky', [503, 200]);
    const detail = await chain(
      [
        set('tag', 'Tag', { tag: 'tag-{{ $json.id }}' }),
        { id: 'http', type: 'connector.http', name: 'Call ERP', params: { method: 'POST', url: `${server.url}/flaky`, body: { id: '{{ $json.id }}' } }, retry: { maxAttempts: 3, backoffMs: 50, maxBackoffMs: 50 } },
        code('c', 'Code', 'return { status: $json.status, tag: $node("Tag").json.tag };', 'perItem'),
      ],
      [{ id: 'A' }, { id: 'B' }, { id: 'C' }],
    );
    expect(detail.status).toBe('succeeded');
    expect(step(detail, 'http').attempts.map((a: any) => a.status)).toEqual(['failed', 'succeeded']);
    expect(output(detail, 'c')).toEqual([
      { status: 200, tag: 'tag-A' },
      { status: 200, tag: 'tag-B' },
      { status: 200, tag: 'tag-C' },
    ]);
  });
});
