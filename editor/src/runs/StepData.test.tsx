// A step's items in the run view: run detail's first ones, then whole pages from a real
// local HTTP server answering the items route as Junction does (cursor, total, next).
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type LocalServer } from '../../../server/src/testing/http.ts';
import type { PreviewItem, Step } from '../api/types.ts';
import { StepData } from './StepData.tsx';

const TOTAL = 250;
const item = (i: number) => ({ json: { i, sku: `SKU-${i}` }, pairedItem: i });
let server: LocalServer;
const asked: string[] = [];

beforeAll(async () => {
  server = await listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    asked.push(`${url.pathname}?${url.searchParams}`);
    const start = Number(url.searchParams.get('cursor') ?? 0);
    const end = Math.min(TOTAL, start + Number(url.searchParams.get('limit')));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ items: Array.from({ length: end - start }, (_, k) => item(start + k)), total: TOTAL, nextCursor: end < TOTAL ? String(end) : null }));
  });
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${server.url}/runs/r1`);
});

afterAll(async () => {
  await server?.close();
});

function step(preview: PreviewItem[]): Step {
  return {
    nodeId: 'gen',
    name: 'Generate',
    type: 'code.javascript',
    status: 'succeeded',
    attempt: 1,
    input: [],
    inputCount: 0,
    output: { main: preview },
    outputCounts: { main: TOTAL },
    error: null,
    attempts: [],
    startedAt: null,
    finishedAt: null,
    nextAttemptAt: null,
    wait: null,
  };
}

describe('StepData', () => {
  it('shows how many items there are beside the first ones, and loads the rest page by page', async () => {
    const preview: PreviewItem[] = Array.from({ length: 20 }, (_, i) => item(i));
    preview[3] = { json: { i: 3 }, pairedItem: 3, truncated: { bytes: 10_000_000 } };
    render(<StepData step={step(preview)} runId="r1" />);
    const output = screen.getByRole('tabpanel');
    expect(within(output).getByText('20 of 250 items')).toBeTruthy();
    expect(within(output).getByText(/Large items are shown cut short/)).toBeTruthy();

    const more = () => within(output).queryByRole('button', { name: 'Load more' });
    await userEvent.click(more()!);
    await waitFor(() => expect(within(output).getByText('100 of 250 items')).toBeTruthy());
    // The first page starts again at the beginning: the item cut short comes whole.
    expect(within(output).getByRole('table').textContent).toContain('SKU-3');
    expect(within(output).queryByText(/Large items are shown cut short/)).toBeNull();
    await userEvent.click(more()!);
    await waitFor(() => expect(within(output).getByText('200 of 250 items')).toBeTruthy());
    await userEvent.click(more()!);
    await waitFor(() => expect(within(output).getByText('250 items')).toBeTruthy());
    expect(more()).toBeNull();
    expect(asked).toEqual([
      '/api/runs/r1/steps/gen/items?side=output&port=main&limit=100',
      '/api/runs/r1/steps/gen/items?side=output&port=main&cursor=100&limit=100',
      '/api/runs/r1/steps/gen/items?side=output&port=main&cursor=200&limit=100',
    ]);
  });
});
