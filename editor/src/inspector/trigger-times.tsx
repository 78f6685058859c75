/**
 * Under a schedule's or a poll's form: when it fires next, in its own time zone and the
 * reader's, as the server computes it for the saved version (`GET /api/workflows/:id/triggers`,
 * asked again after each save and each switch on or off); why it cannot fire; and a poll's
 * last failure to look at its source.
 */
import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/endpoints.ts';
import { keys } from '../api/queries.ts';
import type { WorkflowTrigger } from '../api/types.ts';
import { useFormat, viewerZone } from '../i18n/format.ts';
import { plainIssue } from '../i18n/problems.ts';
import { useEditor } from '../store/context.tsx';
import { ErrorBox } from '../ui/feedback.tsx';

/** How often the panel asks again while it is open: a poll's last error appears without a reload. */
const REFRESH_MS = 30_000;

export function useWorkflowTriggers(workflowId: string) {
  return useQuery({ queryKey: keys.triggers(workflowId), queryFn: () => api.workflowTriggers(workflowId), refetchInterval: REFRESH_MS });
}

/** The next firings as rows: each in the trigger's zone and, when it differs, in the reader's. */
export function firingRows(next: readonly string[], zone: string, reader: string, zoned: (iso: string, zone?: string) => string): { iso: string; there: string; here: string | null }[] {
  const same = new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone === new Intl.DateTimeFormat('en', { timeZone: reader }).resolvedOptions().timeZone;
  return next.map((iso) => ({ iso, there: zoned(iso, zone), here: same ? null : zoned(iso, reader) }));
}

export function TriggerTimes({ workflowId, nodeId, kind }: { workflowId: string; nodeId: string; kind: 'schedule' | 'poll' }) {
  const { t } = useTranslation();
  const format = useFormat();
  const titleId = useId();
  const triggers = useWorkflowTriggers(workflowId);
  const dirty = useEditor((s) => s.revision !== s.savedRevision);
  const trigger: WorkflowTrigger | undefined = triggers.data?.find((entry) => entry.nodeId === nodeId);
  const reader = viewerZone();

  let body;
  if (triggers.error) body = <ErrorBox error={triggers.error} onRetry={() => void triggers.refetch()} />;
  else if (!triggers.data) body = <p className="muted small">{t('common.loading')}</p>;
  else if (!trigger) body = <p className="muted small">{t('triggers.saveFirst')}</p>;
  else {
    const zone = trigger.timezone ?? 'UTC';
    const rows = firingRows(trigger.next ?? [], zone, reader, format.zoned);
    body = (
      <>
        {dirty ? <p className="muted small">{t('triggers.asSaved')}</p> : null}
        {trigger.problem ? (
          <p className="field-error" role="alert">
            {plainIssue(trigger.problem)}
          </p>
        ) : null}
        {rows.length > 0 ? (
          <table className="table next-runs" aria-labelledby={titleId} data-testid="next-runs">
            <thead>
              <tr>
                <th scope="col">{t('triggers.inZone', { zone })}</th>
                {rows[0]!.here !== null ? <th scope="col">{t('triggers.yourTime', { zone: reader })}</th> : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.iso}>
                  <td>
                    <time dateTime={row.iso}>{row.there}</time>
                  </td>
                  {row.here !== null ? <td>{row.here}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {rows.length > 0 && !trigger.active ? <p className="muted small">{t('triggers.inactive')}</p> : null}
        {trigger.lastFiredAt ? <p className="muted small">{t(kind === 'poll' ? 'triggers.lastLooked' : 'triggers.lastFired', { time: format.zoned(trigger.lastFiredAt) })}</p> : null}
        {trigger.lastError ? (
          <div className="error-box" role="alert" data-testid="poll-last-error">
            <strong>{t('triggers.lastError')}</strong>
            <p>{plainIssue(trigger.lastError, { nodeMessages: true })}</p>
          </div>
        ) : null}
      </>
    );
  }
  return (
    <section className="trigger-times" aria-labelledby={titleId} data-testid="trigger-times">
      <h3 className="panel-title" id={titleId}>
        {t(kind === 'poll' ? 'triggers.nextLooks' : 'triggers.nextRuns')}
      </h3>
      {body}
    </section>
  );
}
