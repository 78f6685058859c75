import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n/index.ts';
import { typeInfo } from '../testing/fixtures.ts';
import { FORM_DEFAULTS, FormContext } from './form-context.ts';
import { ObjectFields } from './SchemaForm.tsx';

function Form({ type, initial, issues = {}, onValue }: { type: string; initial: Record<string, unknown>; issues?: Record<string, string[]>; onValue?(v: unknown): void }) {
  const [value, setValue] = useState(initial);
  const [client] = useState(() => new QueryClient());
  return (
    <QueryClientProvider client={client}>
    <FormContext.Provider value={{ ...FORM_DEFAULTS, nodeId: 'n1', nodeType: type, params: value, issues, literal: new Set(typeInfo(type).literalParams ?? []) }}>
      <ObjectFields
        schema={typeInfo(type).params}
        value={value}
        path={[]}
        onChange={(next) => {
          setValue(next);
          onValue?.(next);
        }}
      />
    </FormContext.Provider>
    </QueryClientProvider>
  );
}

afterEach(async () => {
  await i18n.changeLanguage('en');
});

describe('forms generated from JSON Schema', () => {
  it('renders the HTTP node: labelled inputs, choices, help text, key-value pairs', async () => {
    const values: unknown[] = [];
    render(<Form type="connector.http" initial={{}} onValue={(v) => values.push(v)} />);
    const url = screen.getByLabelText(/^URL/);
    expect(url).toHaveProperty('required', false);
    expect(screen.getByText('The address to call, e.g. https://erp.example.com/api/purchase-orders.')).toBeTruthy();
    await userEvent.type(url, 'https://erp.test/po');
    expect(values.at(-1)).toEqual({ url: 'https://erp.test/po' });
    await userEvent.selectOptions(screen.getByLabelText('Method'), 'POST');
    expect(values.at(-1)).toMatchObject({ method: 'POST' });
    await userEvent.click(screen.getAllByRole('button', { name: 'Add a pair' })[0]!);
    await userEvent.type(screen.getByLabelText('Name 1'), 'X-Shop');
    await userEvent.type(screen.getByLabelText('Value 1'), 'taipei-1');
    expect(values.at(-1)).toMatchObject({ headers: [{ name: 'X-Shop', value: 'taipei-1' }] });
    await userEvent.type(screen.getByLabelText('Timeout (seconds)'), '45');
    expect(values.at(-1)).toMatchObject({ timeoutSeconds: 45 });
  });

  it('renders a list of tagged shapes (Edit fields operations) and switches the shape', async () => {
    const values: unknown[] = [];
    render(<Form type="transform.fields" initial={{}} onValue={(v) => values.push(v)} />);
    await userEvent.click(screen.getByRole('button', { name: 'Add' }));
    expect(values.at(-1)).toEqual({ operations: [{ op: 'set', field: '', value: '' }] });
    const entry = screen.getByTestId('operations-0');
    await userEvent.type(within(entry).getByLabelText(/^Field/), 'customer.tier');
    await userEvent.selectOptions(within(entry).getByLabelText('Change'), 'rename');
    expect(values.at(-1)).toEqual({ operations: [{ op: 'rename', from: '', to: '' }] });
    expect(within(entry).getByLabelText(/^New name/)).toBeTruthy();
    await userEvent.click(within(entry).getByRole('button', { name: 'Remove entry 1' }));
    expect(values.at(-1)).toEqual({ operations: [] });
  });

  it('renders a database node: its operations by name, the SQL on several lines and taken as written (no expression mode)', async () => {
    const values: unknown[] = [];
    const { container } = render(<Form type="connector.postgres" initial={{}} onValue={(v) => values.push(v)} />);
    const operation = screen.getByLabelText('Operation') as HTMLSelectElement;
    expect([...operation.options].map((o) => o.textContent)).toEqual(['Choose…', 'Run a query', 'Insert rows', 'Update rows', 'Insert or update', 'Delete rows']);
    await userEvent.selectOptions(operation, 'query');
    expect(values.at(-1)).toEqual({ action: { operation: 'query', sql: '' } });
    const sql = container.querySelector('[data-field="action.sql"]') as HTMLElement;
    // A code editor (or the text area standing in while it loads), not a one-line input.
    expect((await within(sql).findByRole('textbox', { name: 'SQL' })).tagName).not.toBe('INPUT');
    expect(within(sql).queryByRole('button', { name: 'Fixed' })).toBeNull();
    expect(within(container.querySelector('[data-field="action.runFor"]') as HTMLElement).getByRole('button', { name: 'Fixed' })).toBeTruthy();
  });

  it('shows problems inline at their field, and marks the input invalid', () => {
    render(<Form type="connector.http" initial={{ url: 'erp' }} issues={{ url: ['Give a full address starting with http:// or https://'] }} />);
    expect(screen.getByRole('alert').textContent).toContain('http:// or https://');
    expect(screen.getByLabelText(/^URL/).getAttribute('aria-invalid')).toBe('true');
  });

  it('offers a new condition\'s comparisons by their labels in the reader\'s language, none chosen yet', async () => {
    await i18n.changeLanguage('zh-TW');
    render(<Form type="logic.if" initial={{ conditions: [] }} />);
    await userEvent.click(screen.getByRole('button', { name: '新增' }));
    const comparison = screen.getByLabelText(/^比較方式/) as HTMLSelectElement;
    expect(comparison.value).toBe('');
    const options = [...comparison.options].map((o) => o.textContent);
    expect(options.slice(0, 4)).toEqual(['請選擇…', '等於', '不等於', '大於']);
    expect(options.join(' ')).not.toMatch(/notEquals|gte|notExists/);
  });

  it('takes any kind of value where the schema allows any (If: compare with a number)', async () => {
    const values: unknown[] = [];
    render(<Form type="logic.if" initial={{ conditions: [{ left: '{{ $json.total }}', op: 'gt', right: 'x' }] }} onValue={(v) => values.push(v)} />);
    await userEvent.selectOptions(screen.getByLabelText('Kind of value for Compare with'), 'number');
    const input = screen.getByLabelText(/^Compare with/);
    await userEvent.clear(input);
    await userEvent.type(input, '1000');
    expect(values.at(-1)).toEqual({ conditions: [{ left: '{{ $json.total }}', op: 'gt', right: 1000 }] });
    // The saved expression opens in expression mode.
    expect((screen.getByLabelText('Kind of value for Value') as HTMLSelectElement).value).toBe('expression');
  });
});
