/**
 * Every ready-made flow in workflows/ is a valid graph, and the examples run end to end
 * against a local stand-in for the ERP — pointed at it through parameters alone, as a
 * user would point them at their own systems.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue, validateWorkflow } from '@junction/nodes';
import { startHarness, type Harness } from '../server/src/testing/harness.ts';
import { listen, type LocalServer } from '../server/src/testing/http.ts';

const folder = new URL('./', import.meta.url);
const files = readdirSync(folder).filter((file) => file.endsWith('.json'));
const load = (file: string) => JSON.parse(readFileSync(new URL(file, folder), 'utf8'));

let h: Harness;
let erp: LocalServer;
let erpUrl: string;
const received: { path: string; key: string | undefined; body: any }[] = [];

beforeAll(async () => {
  h = await startHarness();
  erp = await listen((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const body = JSON.parse(text || '{}');
      received.push({ path: req.url ?? '', key: req.headers['idempotency-key'] as string | undefined, body });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `ERP-${received.length}`, ...body }));
    });
  });
  erpUrl = erp.url;
});

afterAll(async () => {
  await h?.close();
  await erp?.close();
});

/** Points the flow's HTTP nodes at the local ERP, as a user would in the node's URL field. */
function pointAtErp(graph: any) {
  for (const node of graph.nodes) {
    if (node.type === 'connector.http') node.params.url = node.params.url.replace('http://localhost:8080', erpUrl);
  }
  return graph;
}

describe('workflows/', () => {
  it('has examples', () => expect(files.length).toBeGreaterThanOrEqual(2));

  it.each(files)('%s is a valid workflow with a name and a description', (file) => {
    const flow = load(file);
    expect(typeof flow.name).toBe('string');
    expect(typeof flow.description).toBe('string');
    const result = validateWorkflow(flow.graph, catalogue);
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it('big-orders-to-erp: a big order goes to the ERP, a small one does not; the storefront gets the answer', async () => {
    const flow = load('big-orders-to-erp.json');
    const id = await h.createWorkflow(pointAtErp(flow.graph), flow.name);
    expect((await h.call('POST', `/api/workflows/${id}/activate`)).status).toBe(200);

    const big = await h.call('POST', '/hooks/orders', { orderNo: 'SO-1001', total: 2500, currency: 'TWD' });
    expect(big.status).toBe(200);
    expect(big.body.status).toBe(201);
    expect(big.body.body).toMatchObject({ orderId: 'SO-1001', total: 2500, channel: 'web' });
    const call = received.at(-1)!;
    expect(call.path).toBe('/erp/order-reviews');
    expect(call.body).toEqual({ orderId: 'SO-1001', total: 2500, channel: 'web' });
    expect(call.key).toMatch(/^[0-9a-f-]{36}:post-to-erp$/);

    const before = received.length;
    const small = await h.call('POST', '/hooks/orders', { orderNo: 'SO-1002', total: 80, currency: 'TWD' });
    expect(small.status).toBe(200);
    expect(small.body).toEqual({ orderId: 'SO-1002', total: 80, currency: 'TWD', channel: 'web' });
    expect(received.length).toBe(before);
  });
});
