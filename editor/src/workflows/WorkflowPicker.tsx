/**
 * A choice of workflow by name, for what names another workflow by id: the workflow a
 * "Run a sub-workflow" step runs, a workflow's error workflow. Those that start with the
 * trigger it needs (`trigger.subflow`, `trigger.error`) come first; the others are listed
 * after them, not to be chosen, so a person sees why the one they look for is not offered.
 */
import { useTranslation } from 'react-i18next';
import { useWorkflowNames } from '../api/queries.ts';
import type { WorkflowListEntry } from '../api/types.ts';
import { useNodeTypeText } from '../i18n/node-types.ts';

export interface WorkflowPickerProps {
  id: string;
  value: string | undefined;
  onChange(value: string | undefined): void;
  /** The trigger type a workflow must start with to be chosen. */
  trigger: 'trigger.subflow' | 'trigger.error';
  /** The workflow being edited: shown as such, and not offered when it cannot call itself. */
  self?: string;
  selfAllowed?: boolean;
  /** Choosing none is allowed (an error workflow); else "Choose…". */
  optional?: boolean;
  disabled?: boolean;
  describedBy?: string;
  invalid?: boolean;
  testId?: string;
}

/** The workflows in the order offered: those with the trigger first, each group by name. */
export function pickerGroups(workflows: readonly Pick<WorkflowListEntry, 'id' | 'name' | 'triggers'>[], trigger: string, locale: string) {
  const sorted = [...workflows].sort((a, b) => a.name.localeCompare(b.name, locale));
  return { fitting: sorted.filter((w) => w.triggers.includes(trigger)), others: sorted.filter((w) => !w.triggers.includes(trigger)) };
}

export function WorkflowPicker(props: WorkflowPickerProps) {
  const { t, i18n } = useTranslation();
  const text = useNodeTypeText();
  const workflows = useWorkflowNames();
  const triggerName = text.label({ type: props.trigger, label: props.trigger });
  const { fitting, others } = pickerGroups(workflows.data?.workflows ?? [], props.trigger, i18n.language);
  const value = props.value ?? '';
  const known = [...fitting, ...others].some((w) => w.id === value);
  const name = (w: { id: string; name: string }) => (w.id === props.self ? t('workflowPicker.self', { name: w.name }) : w.name);
  const usable = (w: { id: string }) => w.id !== props.self || props.selfAllowed !== false;

  return (
    <div className="workflow-picker">
      <div className="row nowrap">
        <select
          id={props.id}
          className="input grow"
          value={value}
          disabled={props.disabled}
          aria-describedby={props.describedBy}
          aria-invalid={props.invalid || undefined}
          data-testid={props.testId}
          onChange={(e) => props.onChange(e.target.value || undefined)}
        >
          <option value="">{props.optional ? t('workflowPicker.none') : t('form.choose')}</option>
          {value && !known ? <option value={value}>{workflows.isPending ? t('common.loading') : t('workflowPicker.unavailable')}</option> : null}
          {fitting.length > 0 ? (
            <optgroup label={t('workflowPicker.fitting', { trigger: triggerName })}>
              {fitting.map((w) => (
                <option key={w.id} value={w.id} disabled={!usable(w)}>
                  {name(w)}
                </option>
              ))}
            </optgroup>
          ) : null}
          {others.length > 0 ? (
            <optgroup label={t('workflowPicker.others', { trigger: triggerName })}>
              {others.map((w) => (
                <option key={w.id} value={w.id} disabled={w.id !== value}>
                  {name(w)}
                </option>
              ))}
            </optgroup>
          ) : null}
        </select>
        {value && known ? (
          <a className="button small" href={`/workflows/${value}`} target="_blank" rel="noopener">
            {t('workflowPicker.open')}
          </a>
        ) : null}
      </div>
      {workflows.isSuccess && fitting.filter(usable).length === 0 ? (
        <p className="help" data-testid="workflow-picker-none">
          {t('workflowPicker.noneFit', { trigger: triggerName })}
        </p>
      ) : null}
    </div>
  );
}
