/** The workflow's own settings, shown in the inspector when no node is selected: its time zone and time limit. */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useEditor } from '../store/context.tsx';

export function WorkflowSettings() {
  const { t } = useTranslation();
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
    </section>
  );
}
