/** "Run workflow": sample input as JSON (remembered per workflow in this browser), then run. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CodeEditor } from '../inspector/LazyCodeEditor.tsx';
import { Dialog } from '../ui/Dialog.tsx';

const storageKey = (workflowId: string) => `junction.sample-input.${workflowId}`;
const DEFAULT_INPUT = '{\n  \n}';

export function rememberedInput(workflowId: string): string {
  return localStorage.getItem(storageKey(workflowId)) ?? DEFAULT_INPUT;
}

export function RunDialog(props: { workflowId: string; open: boolean; onOpenChange(open: boolean): void; dirty: boolean; busy: boolean; onRun(input: unknown): void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => rememberedInput(props.workflowId));
  const [error, setError] = useState<string | null>(null);
  const run = () => {
    let input: unknown;
    try {
      input = text.trim() === '' ? undefined : JSON.parse(text);
    } catch (parseError) {
      setError(t('form.invalidJson', { message: (parseError as Error).message }));
      return;
    }
    localStorage.setItem(storageKey(props.workflowId), text);
    setError(null);
    props.onRun(input);
  };
  return (
    <Dialog open={props.open} onOpenChange={props.onOpenChange} title={t('run.dialogTitle')} description={t('run.dialogDescription')} wide>
      <div className="field">
        <span className="field-label" id="sample-input-label">
          {t('run.sampleInput')}
        </span>
        <CodeEditor language="json" value={text} onChange={setText} label={t('run.sampleInput')} minHeight="10rem" invalid={error !== null} testId="sample-input" />
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
      {props.dirty ? <p className="muted small">{t('run.savesFirst')}</p> : null}
      <div className="dialog-actions">
        <button type="button" className="button primary" onClick={run} disabled={props.busy} data-testid="run-now">
          {props.dirty ? t('run.saveAndRun') : t('run.run')}
        </button>
      </div>
    </Dialog>
  );
}
