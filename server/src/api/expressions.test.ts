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

describe('POST /api/expressions/preview', () => {
  it('evaluates a field reference for the chosen item, keeping its type', async () => {
    expect((await h.call('POST', '/api/expressions/preview', { expression: '{{ $json.customer.email }}', items })).body).toEqual({ value: 'a@shop.tw' });
    expect((await h.call('POST', '/api/expressions/preview', { expression: '{{ $json.total }}', items, itemIndex: 1 })).body).toEqual({ value: 5 });
    expect((await h.call('POST', '/api/expressions/preview', { expression: 'Total: {{ $json.total }} TWD', items })).body).toEqual({ value: 'Total: 1200 TWD' });
  });

  it('gives nothing for a missing field, and the reason for what it cannot evaluate', async () => {
    expect((await h.call('POST', '/api/expressions/preview', { expression: '{{ $json.nope }}', items })).body).toEqual({});
    const unsupported = await h.call('POST', '/api/expressions/preview', { expression: '{{ $json.total * 2 }}', items });
    expect(unsupported.status).toBe(200);
    expect(unsupported.body.error).toContain('cannot be evaluated');
  });

  it('refuses a malformed request with a 400 naming the problem', async () => {
    const noExpression = await h.call('POST', '/api/expressions/preview', { items });
    expect(noExpression.status).toBe(400);
    expect(noExpression.body.error.path).toBe('expression');
    const noSuchItem = await h.call('POST', '/api/expressions/preview', { expression: '{{ $json.a }}', items, itemIndex: 5 });
    expect(noSuchItem.status).toBe(400);
    expect(noSuchItem.body.error.path).toBe('itemIndex');
  });
});
