import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { keys } from '../api/queries.ts';
import type { WorkflowListEntry, WorkflowPage } from '../api/types.ts';
import { i18n } from '../i18n/index.ts';
import { typeInfo } from '../testing/fixtures.ts';
import { FORM_DEFAULTS, FormContext } from '../inspector/form-context.ts';
import { ObjectFields } from '../inspector/SchemaForm.tsx';
import { WorkflowSettings } from '../inspector/WorkflowSettings.tsx';
import { EditorStoreProvider } from '../store/context.tsx';
import { createEditorStore } from '../store/editor-store.ts';

const SELF = '00000000-0000-4000-8000-000000000001';
const workflow = (id: string, name: string, triggers: string[]): WorkflowListEntry => ({
  id,
  name,
  triggers,
  ownerId: null,
  active: false,
  version: 1,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  lastRun: null,
});
const LIST = [
  workflow(SELF, 'Reorder stock', ['trigger.schedule']),
  workflow('00000000-0000-4000-8000-000000000002', 'Send PO to supplier', ['trigger.subflow']),
  workflow('00000000-0000-4000-8000-000000000003', 'Nightly sales export', ['trigger.schedule']),
  workflow('00000000-0000-4000-8000-000000000004', 'Check address', ['trigger.subflow', 'trigger.manual']),
  workflow('00000000-0000-4000-8000-000000000005', 'Tell the on-call manager', ['trigger.error']),
];

/** The list as the server sent it: set in the cache, so nothing is fetched. */
function clientWith(workflows: WorkflowListEntry[]) {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  client.setQueryData<WorkflowPage>(keys.workflowNames, { workflows, nextCursor: null });
  return client;
}

function SubflowForm({ workflows, onValue }: { workflows: WorkflowListEntry[]; onValue(v: Record<string, unknown>): void }) {
  const [value, setValue] = useState<Record<string, unknown>>({});
  const [client] = useState(() => clientWith(workflows));
  return (
    <QueryClientProvider client={client}>
      <FormContext.Provider value={{ ...FORM_DEFAULTS, nodeId: 'call', nodeType: 'logic.subflow', params: value, preview: { enabled: false, workflowId: SELF } }}>
        <ObjectFields
          schema={typeInfo('logic.subflow').params}
          value={value}
          path={[]}
          onChange={(next) => {
            setValue(next);
            onValue(next);
          }}
        />
      </FormContext.Provider>
    </QueryClientProvider>
  );
}

const groups = (select: HTMLElement) =>
  [...select.querySelectorAll('optgroup')].map((group) => ({
    label: group.label,
    options: [...group.querySelectorAll('option')].map((o) => `${o.textContent}${o.disabled ? ' (disabled)' : ''}`),
  }));

afterEach(async () => {
  await i18n.changeLanguage('en');
});

describe('choosing a workflow by name', () => {
  it('offers a sub-workflow step the workflows that can be called, by name, and the others apart, not to be chosen', async () => {
    const values: Record<string, unknown>[] = [];
    render(<SubflowForm workflows={LIST} onValue={(v) => values.push(v)} />);
    const select = screen.getByLabelText(/^Workflow/);
    expect(groups(select)).toEqual([
      { label: 'Starting with “When called by another workflow”', options: ['Check address', 'Send PO to supplier'] },
      {
        label: 'Other workflows (without “When called by another workflow”)',
        options: ['Nightly sales export (disabled)', 'Reorder stock (this workflow) (disabled)', 'Tell the on-call manager (disabled)'],
      },
    ]);
    expect(within(select).getAllByRole('option')[0]!.textContent).toBe('Choose…');
    await userEvent.selectOptions(select, 'Send PO to supplier');
    expect(values.at(-1)).toEqual({ workflowId: '00000000-0000-4000-8000-000000000002' });
    expect(screen.getByRole('link', { name: 'Open' }).getAttribute('href')).toBe('/workflows/00000000-0000-4000-8000-000000000002');
    expect(screen.queryByTestId('workflow-picker-none')).toBeNull();
  });

  it('says when no workflow can be called yet, in the reader’s language', async () => {
    await i18n.changeLanguage('zh-TW');
    render(<SubflowForm workflows={LIST.filter((w) => !w.triggers.includes('trigger.subflow'))} onValue={() => undefined} />);
    expect(screen.getByTestId('workflow-picker-none').textContent).toBe('還沒有以「被其他工作流程呼叫時」觸發的工作流程。請建立一個使用這個觸發的工作流程並儲存，再回到這裡選擇。');
  });

  it('sets a workflow’s error workflow among those that start when a workflow fails, and takes it away again', async () => {
    const store = createEditorStore({ graph: { nodes: [], edges: [], settings: { timezone: 'UTC', timeoutSeconds: 3600 } } });
    render(
      <QueryClientProvider client={clientWith(LIST)}>
        <EditorStoreProvider store={store}>
          <WorkflowSettings workflowId={SELF} />
        </EditorStoreProvider>
      </QueryClientProvider>,
    );
    const select = screen.getByLabelText('Error workflow');
    expect(within(select).getAllByRole('option')[0]!.textContent).toBe('None');
    expect(groups(select)[0]).toEqual({ label: 'Starting with “When a workflow fails”', options: ['Tell the on-call manager'] });
    await userEvent.selectOptions(select, 'Tell the on-call manager');
    expect(store.getState().graph().settings.errorWorkflowId).toBe('00000000-0000-4000-8000-000000000005');
    expect(store.getState().revision).not.toBe(store.getState().savedRevision);
    await userEvent.selectOptions(select, 'None');
    expect(JSON.parse(JSON.stringify(store.getState().graph().settings))).toEqual({ timezone: 'UTC', timeoutSeconds: 3600 });
  });

  it('keeps a chosen workflow that is no longer listed, saying so', () => {
    const store = createEditorStore({ graph: { nodes: [], edges: [], settings: { timezone: 'UTC', timeoutSeconds: 3600, errorWorkflowId: '00000000-0000-4000-8000-000000000009' } } });
    render(
      <QueryClientProvider client={clientWith(LIST)}>
        <EditorStoreProvider store={store}>
          <WorkflowSettings workflowId={SELF} />
        </EditorStoreProvider>
      </QueryClientProvider>,
    );
    const select = screen.getByLabelText('Error workflow') as HTMLSelectElement;
    expect(select.value).toBe('00000000-0000-4000-8000-000000000009');
    expect(select.selectedOptions[0]!.textContent).toBe('A workflow you cannot see, or one that was deleted');
  });
});
