/** A value to copy (a webhook address, a new API key): read-only text, selected on focus, and a copy button. */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { toast } from 'sonner';

export function CopyField({ value, label, copied, testId, hideLabel }: { value: string; label: string; copied: string; testId?: string; hideLabel?: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      toast.success(copied);
    } catch {
      // No clipboard permission (an insecure origin): select the text so Ctrl+C works.
      document.getElementById(id)?.focus();
      toast.info(t('copy.select'));
    }
  };
  return (
    <div className="copy-field">
      <label htmlFor={id} className={hideLabel ? 'sr-only' : 'field-label'}>
        {label}
      </label>
      <div className="row nowrap">
        <input id={id} className="input mono" readOnly value={value} onFocus={(e) => e.target.select()} data-testid={testId} />
        <button type="button" className="button small" onClick={() => void copy()}>
          {t('copy.copy')}
        </button>
      </div>
    </div>
  );
}
