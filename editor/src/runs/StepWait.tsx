/**
 * A step that waits or waited (logic.wait, a sub-workflow call): what for, since and until
 * when (or when its link expires), the address that answers it — copyable, with the
 * approval or form page to open — and, once it woke, how: its time came, who answered
 * and what they sent, or its sub-workflow runs finished.
 */
import { useTranslation } from 'react-i18next';
import type { Step, StepWaitRecord } from '../api/types.ts';
import { Link } from '../app/navigation.tsx';
import { useFormat } from '../i18n/format.ts';
import { CopyField } from '../ui/CopyField.tsx';

export type WaitKind = 'time' | 'approval' | 'form' | 'callback' | 'runs';

/** What the step waits for, from its record. */
export function waitKind(wait: Pick<StepWaitRecord, 'page' | 'runs' | 'resumable'>): WaitKind {
  if (wait.page) return wait.page.kind;
  if (wait.runs?.length) return 'runs';
  return wait.resumable ? 'callback' : 'time';
}

/** How a finished wait ended, as a key of `wait.ended`: elapsed, expired, approved, rejected, submitted, called, runs. */
export function waitEnding(wait: StepWaitRecord): string | null {
  const resumed = wait.resumed;
  if (!resumed) return null;
  if (resumed.by === 'runs') return 'runs';
  if (resumed.by === 'time') return wait.resumable ? 'expired' : 'elapsed';
  const kind = waitKind(wait);
  if (kind === 'approval') return resumed.data?.decision === 'approve' ? 'approved' : 'rejected';
  return kind === 'form' ? 'submitted' : 'called';
}

/** The ids of the runs a sub-workflow step started: those it waited for, those it started and went on from, the one that failed. */
export function childRunsOf(step: Pick<Step, 'type' | 'wait' | 'output' | 'error'>): string[] {
  if (step.type !== 'logic.subflow') return [];
  const ids = new Set<string>();
  for (const id of (step.wait as StepWaitRecord | null)?.runs ?? []) ids.add(id);
  for (const item of step.output?.main ?? []) if (typeof item.json.subflowRunId === 'string') ids.add(item.json.subflowRunId);
  const failed = step.error?.details?.subflowRunId;
  if (typeof failed === 'string') ids.add(failed);
  return [...ids];
}

export function StepWait({ step }: { step: Step }) {
  const { t } = useTranslation();
  const format = useFormat();
  const wait = step.wait as StepWaitRecord | null;
  if (!wait) return null;
  const kind = waitKind(wait);
  const waiting = step.status === 'waiting' && !wait.resumed;
  const ending = waitEnding(wait);
  const resumed = wait.resumed;
  const comment = typeof resumed?.data?.comment === 'string' && resumed.data.comment.trim() ? resumed.data.comment : null;
  const sent = resumed?.by === 'call' && (kind === 'form' || kind === 'callback') && resumed.data && Object.keys(resumed.data).length > 0 ? resumed.data : null;
  return (
    <section className="step-wait" aria-label={t('wait.title')} data-testid="step-wait">
      <p className="step-wait-head">
        <strong>{t(waiting ? `wait.waitingFor.${kind}` : `wait.waitedFor.${kind}`)}</strong>
      </p>
      {(kind === 'approval' || kind === 'form') && wait.reason ? <blockquote className="wait-message">{wait.reason}</blockquote> : null}
      <dl className="facts">
        <dt>{t('wait.since')}</dt>
        <dd>{format.dateTime(wait.since)}</dd>
        {wait.until ? (
          <>
            <dt>{wait.resumable ? t('wait.expires') : t('wait.until')}</dt>
            <dd data-testid="wait-until">
              {format.dateTime(wait.until)}
              {waiting ? <span className="muted"> ({format.relative(wait.until)})</span> : null}
            </dd>
          </>
        ) : wait.resumable ? (
          <>
            <dt>{t('wait.expires')}</dt>
            <dd>{t('wait.neverExpires')}</dd>
          </>
        ) : null}
        {ending && resumed ? (
          <>
            <dt>{t('wait.ended')}</dt>
            <dd data-testid="wait-ending">{t(`wait.endings.${ending}`, { time: format.dateTime(resumed.at) })}</dd>
          </>
        ) : null}
        {resumed?.caller ? (
          <>
            <dt>{t('wait.by')}</dt>
            <dd data-testid="wait-caller">{resumed.caller}</dd>
          </>
        ) : null}
        {comment ? (
          <>
            <dt>{t('wait.comment')}</dt>
            <dd>{comment}</dd>
          </>
        ) : null}
      </dl>
      {sent ? (
        <pre className="json-view" aria-label={t('wait.sent')}>
          {JSON.stringify(sent, null, 2)}
        </pre>
      ) : null}
      {waiting && step.resumeUrl ? (
        <div className="resume-url">
          <CopyField value={step.resumeUrl} label={t(`wait.urls.${kind === 'approval' || kind === 'form' ? kind : 'callback'}`)} copied={t('wait.copied')} testId="resume-url" />
          {kind === 'approval' || kind === 'form' ? (
            <a className="button small" href={step.resumeUrl} target="_blank" rel="noopener noreferrer" data-testid="resume-page">
              {t(kind === 'approval' ? 'wait.openApproval' : 'wait.openForm')}
            </a>
          ) : null}
          <p className="help">{t(`wait.urlHelp.${kind === 'approval' || kind === 'form' ? kind : 'callback'}`)}</p>
        </div>
      ) : null}
    </section>
  );
}

/** The runs a sub-workflow step started, each a link to its page. */
export function ChildRuns({ step }: { step: Step }) {
  const { t } = useTranslation();
  const runs = childRunsOf(step);
  if (runs.length === 0) return null;
  return (
    <section className="child-runs" aria-label={t('wait.childRuns')} data-testid="child-runs">
      <strong>{t('wait.childRuns')}</strong>
      <ul>
        {runs.map((id, i) => (
          <li key={id}>
            <Link to={`/runs/${id}`}>{runs.length === 1 ? t('wait.childRun') : t('wait.childRunN', { n: i + 1 })}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
