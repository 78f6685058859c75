import { render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.ts';
import type { RunDetail, Step, StepWaitRecord } from '../api/types.ts';
import { formattersFor } from '../i18n/format.ts';
import { i18n } from '../i18n/index.ts';
import { pollTestError } from '../inspector/poll-test.tsx';
import { firingRows } from '../inspector/trigger-times.tsx';
import { RunOrigin } from './RunOrigin.tsx';
import { StepData } from './StepData.tsx';
import { childRunsOf, waitEnding } from './StepWait.tsx';

const RESUME = 'https://junction.shop.example/api/resume/0199b1c2-6f1e-7cc1-a1b2-3c4d5e6f7a8b.YXBwcm92YWw.c2lnbmF0dXJl';

function step(patch: Omit<Partial<Step>, 'wait'> & { wait: StepWaitRecord | null }): Step {
  return {
    nodeId: 'approval',
    name: 'Manager approval',
    type: 'logic.wait',
    status: 'waiting',
    attempt: 1,
    input: [{ json: { po: 'PO-7' } }],
    inputCount: 1,
    output: null,
    outputCounts: null,
    error: null,
    attempts: [{ attempt: 1, status: 'waiting', startedAt: '2026-12-08T01:00:00.000Z' }],
    startedAt: '2026-12-08T01:00:00.000Z',
    finishedAt: null,
    nextAttemptAt: null,
    ...patch,
    // The API's `wait` is the runtime's record, read loosely (it may grow).
    wait: patch.wait as Step['wait'],
  };
}

const approval: StepWaitRecord = {
  since: '2026-12-08T01:00:00.000Z',
  until: '2026-12-15T01:00:00.000Z',
  resumable: true,
  reason: 'PO PO-7 for 12000 TWD',
  page: { kind: 'approval' },
};

afterEach(async () => {
  await i18n.changeLanguage('en');
});

describe('a waiting step in a run', () => {
  it('says it waits for an approval, what for, until when, and gives the approval link to copy and open', () => {
    render(<StepData step={step({ wait: approval, resumeUrl: RESUME })} runId="r1" />);
    const wait = screen.getByTestId('step-wait');
    expect(within(wait).getByText('Waiting for an approval')).toBeTruthy();
    expect(within(wait).getByText('PO PO-7 for 12000 TWD')).toBeTruthy();
    expect(within(wait).getByText('Link expires')).toBeTruthy();
    expect(within(wait).getByTestId('wait-until').textContent).toContain(formattersFor('en').dateTime(approval.until!));
    expect((within(wait).getByLabelText('Approval link') as HTMLInputElement).value).toBe(RESUME);
    expect(within(wait).getByRole('link', { name: 'Open the approval page' }).getAttribute('href')).toBe(RESUME);
    // The help text keeps the expression to put the link in an e-mail as written.
    expect(wait.textContent).toContain('{{ $run.resumeUrl }}');
  });

  it('shows no link to those the server gave none (they may not answer it)', () => {
    render(<StepData step={step({ wait: approval })} runId="r1" />);
    expect(screen.getByText('Waiting for an approval')).toBeTruthy();
    expect(screen.queryByTestId('resume-url')).toBeNull();
    expect(screen.queryByTestId('resume-page')).toBeNull();
  });

  it('after the answer: who approved, when, and their comment — and the link is gone', async () => {
    const answered: StepWaitRecord = { ...approval, resumed: { by: 'call', at: '2026-12-08T02:30:00.000Z', data: { decision: 'approve', comment: 'Fine, order it' }, caller: '192.0.2.7 · Mozilla/5.0' } };
    await i18n.changeLanguage('zh-TW');
    render(<StepData step={step({ status: 'succeeded', wait: answered, resumeUrl: RESUME, output: { main: [{ json: { po: 'PO-7' } }], rejected: [] } })} runId="r1" />);
    const wait = screen.getByTestId('step-wait');
    expect(within(wait).getByText('曾等待核准')).toBeTruthy();
    expect(within(wait).getByTestId('wait-ending').textContent).toBe(`已核准，${formattersFor('zh-TW').dateTime('2026-12-08T02:30:00.000Z')}`);
    expect(within(wait).getByTestId('wait-caller').textContent).toBe('192.0.2.7 · Mozilla/5.0');
    expect(within(wait).getByText('Fine, order it')).toBeTruthy();
    expect(within(wait).queryByTestId('resume-url')).toBeNull();
  });

  it('tells every way a wait ends', () => {
    const at = '2026-12-08T02:30:00.000Z';
    expect(waitEnding({ ...approval, resumed: { by: 'call', at, data: { decision: 'reject' } } })).toBe('rejected');
    expect(waitEnding({ ...approval, resumed: { by: 'time', at } })).toBe('expired');
    expect(waitEnding({ since: at, until: at, resumable: false, reason: '5 minutes', resumed: { by: 'time', at } })).toBe('elapsed');
    expect(waitEnding({ ...approval, page: { kind: 'form', fields: [] }, resumed: { by: 'call', at, data: { quantity: 3 } } })).toBe('submitted');
    expect(waitEnding({ ...approval, page: { kind: 'callback' }, resumed: { by: 'call', at } })).toBe('called');
    expect(waitEnding({ since: at, until: null, resumable: false, reason: 'runs', runs: ['r1'], resumed: { by: 'runs', at } })).toBe('runs');
    expect(waitEnding(approval)).toBeNull();
  });
});

describe('runs that start runs', () => {
  const child = (n: number) => `0199b1c2-6f1e-7cc1-a1b2-00000000000${n}`;

  it('links a sub-workflow step to the runs it waited for, started, or failed with', () => {
    const waited = step({
      type: 'logic.subflow',
      nodeId: 'call',
      wait: { since: '2026-12-08T01:00:00.000Z', until: null, resumable: false, reason: "the sub-workflow's 2 runs", runs: [child(1), child(2)] },
    });
    expect(childRunsOf(waited)).toEqual([child(1), child(2)]);
    render(<StepData step={waited} runId="r1" />);
    expect(screen.getByText('Waiting for its sub-workflow runs to finish')).toBeTruthy();
    const links = within(screen.getByTestId('child-runs')).getAllByRole('link');
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['Run 1', `/runs/${child(1)}`],
      ['Run 2', `/runs/${child(2)}`],
    ]);
    const started = step({ type: 'logic.subflow', status: 'succeeded', wait: null, output: { main: [{ json: { sku: 'A', subflowRunId: child(3) } }, { json: { sku: 'B', subflowRunId: child(3) } }] } });
    expect(childRunsOf(started)).toEqual([child(3)]);
    const failed = step({ type: 'logic.subflow', status: 'failed', wait: null, error: { name: 'NodeError', message: 'failed', retriable: true, details: { subflowRunId: child(4) } } });
    expect(childRunsOf(failed)).toEqual([child(4)]);
    expect(childRunsOf({ ...started, type: 'transform.fields' })).toEqual([]);
  });

  it('links a sub-workflow’s run to the run that called it, and an error workflow’s run to the run that failed', () => {
    const base: Pick<RunDetail, 'mode' | 'input' | 'parentRunId'> = { mode: 'subflow', input: [{ json: {} }], parentRunId: child(5) };
    const { unmount } = render(<RunOrigin run={base} />);
    expect(screen.getByTestId('parent-run').getAttribute('href')).toBe(`/runs/${child(5)}`);
    expect(screen.getByTestId('parent-run').textContent).toBe('Called by another run');
    unmount();
    render(<RunOrigin run={{ mode: 'error', parentRunId: null, input: [{ json: { run: { id: child(6), url: null }, workflow: { id: 'w', name: 'Reorder stock' } } }] }} />);
    expect(screen.getByTestId('failed-run').getAttribute('href')).toBe(`/runs/${child(6)}`);
    expect(screen.getByTestId('failed-run').textContent).toBe('Started because a run of “Reorder stock” failed');
    expect(screen.queryByTestId('parent-run')).toBeNull();
  });
});

describe('timed triggers', () => {
  it('lists the next firings in the trigger’s zone and, when it differs, in the reader’s', () => {
    const zoned = formattersFor('en-GB').zoned;
    const next = ['2026-12-08T01:00:00.000Z', '2026-12-09T01:00:00.000Z'];
    expect(firingRows(next, 'Asia/Taipei', 'Europe/Warsaw', zoned)).toEqual([
      { iso: next[0], there: 'Tue, 8 Dec 2026, 09:00', here: 'Tue, 8 Dec 2026, 02:00' },
      { iso: next[1], there: 'Wed, 9 Dec 2026, 09:00', here: 'Wed, 9 Dec 2026, 02:00' },
    ]);
    expect(firingRows(next, 'Asia/Taipei', 'Asia/Taipei', zoned).map((row) => row.here)).toEqual([null, null]);
  });

  it('says why a poll’s test could not look, in the reader’s words', async () => {
    await i18n.changeLanguage('zh-TW');
    const refused = new ApiError(400, 'invalid_request', '"Low stock" could not look at its source: erp.example answered 503');
    expect(pollTestError(refused)).toBe('「Low stock」無法查看它的資料來源：erp.example 回應了 503');
    expect(pollTestError(new ApiError(400, 'invalid_params', '"Low stock" has parameters that are not valid; fix them first'))).toBe('「Low stock」的參數無效，請先修正');
    expect(pollTestError(new ApiError(403, 'forbidden', 'You may read this workflow but not change it'))).toContain('您的角色無法進行這個操作');
  });
});
