import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n/index.ts';
import { typeInfo } from '../testing/fixtures.ts';
import { FORM_DEFAULTS, FormContext } from './form-context.ts';
import { ObjectFields } from './SchemaForm.tsx';
import { checkGraph } from './validation.ts';

/** A schedule or poll trigger's form, its problems found by the editor's own check (the server's validator) as the inspector places them. */
function Form({ type, initial, onValue }: { type: 'trigger.schedule' | 'trigger.poll'; initial: Record<string, unknown>; onValue?(v: Record<string, unknown>): void }) {
  const [value, setValue] = useState(initial);
  const [client] = useState(() => new QueryClient());
  const issues = checkGraph({ schemaVersion: 1, nodes: [{ id: 'n1', type, name: 'When', params: value, position: [0, 0], onError: 'stop' }], edges: [], stickyNotes: [], settings: { timezone: 'Asia/Taipei', timeoutSeconds: 3600 } }).byNode.n1?.fields ?? {};
  return (
    <QueryClientProvider client={client}>
      <FormContext.Provider value={{ ...FORM_DEFAULTS, nodeId: 'n1', nodeType: type, params: value, issues }}>
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

const options = (select: HTMLElement) => within(select).getAllByRole('option').map((o) => o.textContent);

afterEach(async () => {
  await i18n.changeLanguage('en');
});

describe('a schedule in the inspector', () => {
  it('reads as a person says it: every 15 minutes by default, only the steps that divide an hour, weekdays as boxes, a time of day', async () => {
    const values: Record<string, unknown>[] = [];
    render(<Form type="trigger.schedule" initial={{}} onValue={(v) => values.push(v)} />);
    const rule = screen.getByTestId('schedule-rule');
    expect((within(rule).getByLabelText('Run') as HTMLSelectElement).value).toBe('minutes');
    const every = within(rule).getByLabelText('Every') as HTMLSelectElement;
    expect(every.value).toBe('15');
    expect(options(every)).toEqual(['1 minute', '2 minutes', '3 minutes', '4 minutes', '5 minutes', '6 minutes', '10 minutes', '12 minutes', '15 minutes', '20 minutes', '30 minutes']);
    await userEvent.selectOptions(every, '30');
    expect(values.at(-1)).toMatchObject({ rule: { every: 'minutes', interval: 30 } });

    await userEvent.selectOptions(within(rule).getByLabelText('Run'), 'hours');
    expect(values.at(-1)).toMatchObject({ rule: { every: 'hours', interval: 1, minute: 0 } });
    expect(options(within(rule).getByLabelText('Every'))).toEqual(['1 hour', '2 hours', '3 hours', '4 hours', '6 hours', '8 hours', '12 hours']);

    await userEvent.selectOptions(within(rule).getByLabelText('Run'), 'weekdays');
    expect(values.at(-1)).toMatchObject({ rule: { every: 'weekdays', days: ['mon', 'tue', 'wed', 'thu', 'fri'], time: '09:00' } });
    const days = within(rule).getByRole('group', { name: 'On' });
    expect(within(days).getAllByRole('checkbox').map((box) => (box as HTMLInputElement).checked)).toEqual([true, true, true, true, true, false, false]);
    await userEvent.click(within(days).getByLabelText('Friday'));
    await userEvent.click(within(days).getByLabelText('Saturday'));
    expect((values.at(-1)!.rule as { days: string[] }).days).toEqual(['mon', 'tue', 'wed', 'thu', 'sat']);
    const time = within(rule).getByLabelText('At') as HTMLInputElement;
    expect(time.type).toBe('time');
    expect(time.value).toBe('09:00');

    // No day chosen: the validator's sentence beside the days.
    for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Saturday']) await userEvent.click(within(days).getByLabelText(day));
    expect(within(days).getByRole('alert').textContent).toBe('Choose at least one day');

    await userEvent.selectOptions(within(rule).getByLabelText('Run'), 'month');
    const day = within(rule).getByLabelText('Day of the month');
    expect(options(day).at(0)).toBe('Day 1');
    expect(options(day).at(-1)).toBe('The last day');
    await userEvent.selectOptions(day, 'last');
    expect(values.at(-1)).toMatchObject({ rule: { every: 'month', day: 'last', time: '09:00' } });
  });

  it('shows the problem of a cron expression right under it, and none once it is one that fires', async () => {
    render(<Form type="trigger.schedule" initial={{ rule: { every: 'cron', expression: '0 9 30 2 *' } }} />);
    const expression = screen.getByLabelText('Cron expression');
    const field = expression.closest('.field') as HTMLElement;
    expect(within(field).getByRole('alert').textContent).toBe('This schedule cannot be used: This schedule never fires');
    expect(expression.getAttribute('aria-invalid')).toBe('true');
    await userEvent.clear(expression);
    await userEvent.type(expression, 'every day');
    expect(within(field).getByRole('alert').textContent).toMatch(/^This schedule cannot be used: Not a cron expression Junction can read: /);
    await userEvent.clear(expression);
    await userEvent.type(expression, '30 23 * * 1-5');
    expect(within(field).queryByRole('alert')).toBeNull();
    expect(expression.getAttribute('aria-invalid')).toBeNull();
  });

  it('says a schedule’s problem in Traditional Chinese, and the poll’s rule uses its own words', async () => {
    await i18n.changeLanguage('zh-TW');
    render(<Form type="trigger.poll" initial={{ rule: { every: 'cron', expression: '* * * * * *' } }} />);
    const rule = screen.getByTestId('schedule-rule');
    expect((within(rule).getByLabelText('查看頻率') as HTMLSelectElement).value).toBe('cron');
    expect(within(rule).getByRole('alert').textContent).toBe('這個排程無法使用：請寫五個欄位（分 時 日 月 星期）：Junction 最多每分鐘觸發一次');
  });
});
