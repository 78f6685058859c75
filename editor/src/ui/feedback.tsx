/** How the editor tells people things: toasts for outcomes, inline boxes for errors, status badges. */
import { toast } from 'sonner';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';
import type { RunStatus, StepStatus } from '../api/types.ts';
import { describeError, errorSentence } from '../i18n/problems.ts';

/** A readable sentence for any error, in the reader's language: for the API's known codes their translation, with the server's words as detail. */
export function messageOf(error: unknown): string {
  return errorSentence(error);
}

/** The one toast that says the server cannot be reached. */
const UNREACHABLE = 'server-unreachable';

export function notifyError(error: unknown, title?: string): void {
  // While the server cannot be reached every call fails alike (a save, the refetches around it): one toast says so,
  // the one that says what was not done when there is one.
  const unreachable = error instanceof ApiError && error.code === 'network';
  if (unreachable && !title && toast.getToasts().some((shown) => shown.id === UNREACHABLE)) return;
  const id = unreachable ? UNREACHABLE : undefined;
  if (title) {
    toast.error(title, { id, description: errorSentence(error) });
    return;
  }
  const { message, detail } = describeError(error);
  toast.error(message, { id, description: detail });
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const { message, detail } = describeError(error);
  return (
    <div role="alert" className="error-box">
      <strong>{t('errors.title')}</strong>
      <p>{message}</p>
      {detail ? <p className="error-detail">{detail}</p> : null}
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          {t('common.tryAgain')}
        </button>
      ) : null}
    </div>
  );
}

export function StatusBadge({ status }: { status: RunStatus | StepStatus | 'interrupted' }) {
  const { t } = useTranslation();
  return <span className={`badge status-${status}`}>{t(`status.${status}`)}</span>;
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <div className="loading" role="status">
      {t('common.loading')}
    </div>
  );
}
