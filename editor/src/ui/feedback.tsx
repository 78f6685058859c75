/** How the editor tells people things: toasts for outcomes, inline boxes for errors, status badges. */
import { toast } from 'sonner';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';
import type { RunStatus, StepStatus } from '../api/types.ts';

/** A readable sentence for any error: the server's own message when it sent one. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function notifyError(error: unknown, title?: string): void {
  toast.error(title ?? messageOf(error), title ? { description: messageOf(error) } : undefined);
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <div role="alert" className="error-box">
      <strong>{t('errors.title')}</strong>
      <p>{messageOf(error)}</p>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          {t('common.tryAgain')}
        </button>
      ) : null}
    </div>
  );
}

export function StatusBadge({ status }: { status: RunStatus | StepStatus }) {
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
