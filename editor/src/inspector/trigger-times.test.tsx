import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { keys } from '../api/queries.ts';
import type { WorkflowTrigger } from '../api/types.ts';
import { i18n } from '../i18n/index.ts';
import { EditorStoreProvider } from '../store/context.tsx';
import { createEditorStore } from '../store/editor-store.ts';
import { TriggerTimes } from './trigger-times.tsx';

const WORKFLOW = '00000000-0000-4000-8000-0000000000aa';

/** The panel with the triggers as the server answered them (set in the cache: nothing is fetched). */
function renderTimes(triggers: WorkflowTrigger[], kind: 'schedule' | 'poll', options: { dirty?: boolean } = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false, refetchInterval: false } } });
  client.setQueryData(keys.triggers(WORKFLOW), triggers);
  const store = createEditorStore({ graph: { nodes: [{ id: 'when', type: `trigger.${kind}`, name: 'When', params: {}, position: [0, 0], onError: 'stop' }], edges: [] } });
  if (options.dirty) store.getState().updateSettings({ timezone: 'Asia/Taipei' });
  return render(
    <QueryClientProvider client={client}>
      <EditorStoreProvider store={store}>
        <TriggerTimes workflowId={WORKFLOW} nodeId="when" kind={kind} />
      </EditorStoreProvider>
    </QueryClientProvider>,
  );
}

const trigger = (patch: Partial<WorkflowTrigger>): WorkflowTrigger => ({ nodeId: 'when', name: 'When', type: 'trigger.schedule', kind: 'schedule', active: true, timezone: 'UTC', ...patch });

afterEach(async () => {
  await i18n.changeLanguage('en');
});

describe('when a timed trigger fires next', () => {
  it('asks to save a trigger the saved version does not have yet', () => {
    renderTimes([], 'schedule');
    expect(screen.getByTestId('trigger-times').textContent).toBe('Next runsSave the workflow to see when this runs.');
  });

  it('lists the next runs, says they are those of the saved version while there are changes, and that an inactive workflow runs them only once on', () => {
    renderTimes([trigger({ active: false, next: ['2026-12-08T01:00:00.000Z', '2026-12-08T01:15:00.000Z'] })], 'schedule', { dirty: true });
    const panel = screen.getByTestId('trigger-times');
    expect(within(panel).getAllByRole('row')).toHaveLength(3);
    expect(within(panel).getAllByRole('columnheader')[0]!.textContent).toBe('In UTC');
    expect(panel.querySelector('time')!.getAttribute('datetime')).toBe('2026-12-08T01:00:00.000Z');
    expect(panel.textContent).toContain('These are the times of the saved version');
    expect(panel.textContent).toContain('The workflow is off');
  });

  it('says why a schedule cannot fire, and why a poll’s last look failed, in the reader’s words', async () => {
    await i18n.changeLanguage('zh-TW');
    renderTimes(
      [
        trigger({ type: 'trigger.poll', kind: 'poll', next: ['2026-12-08T01:00:00.000Z'], lastFiredAt: '2026-12-08T00:55:00.000Z', lastError: 'erp.example answered 503' }),
      ],
      'poll',
    );
    expect(screen.getByRole('heading').textContent).toBe('接下來的查看時間');
    expect(screen.getByTestId('poll-last-error').textContent).toBe('上次查看失敗erp.example 回應了 503');
    expect(screen.getByTestId('trigger-times').textContent).toContain('上次查看：');
  });

  it('shows a schedule that never fires as the problem, with no times', async () => {
    await i18n.changeLanguage('zh-TW');
    renderTimes([trigger({ problem: 'This schedule never fires' })], 'schedule');
    expect(screen.getByRole('alert').textContent).toBe('這個排程永遠不會觸發');
    expect(screen.queryByTestId('next-runs')).toBeNull();
  });
});
