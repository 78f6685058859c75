/** The run shown on the canvas: its status as it changes, a link to its page, and a way to hide it. */
import { useTranslation } from 'react-i18next';
import { Link } from '../app/navigation.tsx';
import { useEditor } from '../store/context.tsx';
import { StatusBadge } from '../ui/feedback.tsx';
import { stepErrorText } from './step-error.ts';

export function RunBanner({ closable = true }: { closable?: boolean }) {
  const { t } = useTranslation();
  const { run, showRun } = useEditor((s) => ({ run: s.run, showRun: s.showRun }));
  if (!run) return null;
  const error = run.detail?.error;
  return (
    <div className={`run-banner status-${run.status}`} role="status" aria-live="polite" data-testid="run-banner" data-status={run.status}>
      <span>
        {t('run.banner')} <StatusBadge status={run.status} />
      </span>
      {error ? <span className="run-error">{stepErrorText(error.message, error.details)}</span> : null}
      <span className="row">
        <Link to={`/runs/${run.id}`} className="button small">
          {t('run.openRun')}
        </Link>
        {closable ? (
          <button type="button" className="button small" onClick={() => showRun(null)}>
            {t('run.hide')}
          </button>
        ) : null}
      </span>
    </div>
  );
}
