/** The workflow's own settings, shown in the inspector when no node is selected: its time zone, time limit and error workflow. */
import { useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useEditor } from '../store/context.tsx';
import { WorkflowPicker } from '../workflows/WorkflowPicker.tsx';

export function WorkflowSettings({ workflowId }: { workflowId?: string }) {
  const { t } = useTranslation();
  const errorWorkflowId = useId();
  const { settings, updateSettings, readOnly } = useEditor((s) => ({ settings: s.settings, updateSettings: s.updateSettings, readOnly: s.readOnly }));
  const zones = useMemo(() => (typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []), []);
  return (
    <section className="workflow-settings" aria-labelledby="workflow-settings-title">
      <h3 id="workflow-settings-title" className="panel-title">
        {t('settings.title')}
      </h3>
      <label className="field">
        <span className="field-label">{t('settings.timezone')}</span>
        <input
          className="input"
          list="time-zones"
          value={settings.timezone}
          disabled={readOnly}
          onChange={(e) => updateSettings({ timezone: e.target.value })}
        />
        <datalist id="time-zones">
          {zones.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        <span className="help">{t('settings.timezoneHelp')}</span>
      </label>
      <label className="field">
        <span className="field-label">{t('settings.timeout')}</span>
        <input
          type="number"
          className="input"
          min={1}
          value={settings.timeoutSeconds}
          disabled={readOnly}
          onChange={(e) => Number.isFinite(e.target.valueAsNumber) && updateSettings({ timeoutSeconds: e.target.valueAsNumber })}
        />
        <span className="help">{t('settings.timeoutHelp')}</span>
      </label>
      <div className="field">
        <label className="field-label" htmlFor={errorWorkflowId}>
          {t('settings.errorWorkflow')}
        </label>
        <WorkflowPicker
          id={errorWorkflowId}
          value={settings.errorWorkflowId}
          onChange={(id) => updateSettings({ errorWorkflowId: id })}
          trigger="trigger.error"
          self={workflowId}
          optional
          disabled={readOnly}
          describedBy={`${errorWorkflowId}-help`}
          testId="error-workflow"
        />
        <p className="help" id={`${errorWorkflowId}-help`}>
          {t('settings.errorWorkflowHelp')}
        </p>
      </div>
    </section>
  );
}
