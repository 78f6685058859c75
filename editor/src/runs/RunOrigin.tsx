/**
 * Where a run came from, when another run started it: the run whose "Run a sub-workflow"
 * step called it, or the failed run an error workflow's run is about.
 */
import { useTranslation } from 'react-i18next';
import type { RunDetail } from '../api/types.ts';
import { Link } from '../app/navigation.tsx';

/** The failed run an error workflow's run was started for (its first item's `run` and `workflow`), if this is one. */
export function failedRunOf(run: Pick<RunDetail, 'mode' | 'input'>): { id: string; workflow: string | null } | null {
  if (run.mode !== 'error') return null;
  const json = run.input[0]?.json;
  const failed = json?.run as { id?: unknown } | undefined;
  const workflow = json?.workflow as { name?: unknown } | undefined;
  return typeof failed?.id === 'string' ? { id: failed.id, workflow: typeof workflow?.name === 'string' ? workflow.name : null } : null;
}

export function RunOrigin({ run }: { run: Pick<RunDetail, 'mode' | 'input' | 'parentRunId'> }) {
  const { t } = useTranslation();
  const failed = failedRunOf(run);
  return (
    <>
      {run.parentRunId ? (
        <Link to={`/runs/${run.parentRunId}`} className="plain-link small" data-testid="parent-run">
          {t('runs.calledBy')}
        </Link>
      ) : null}
      {failed ? (
        <Link to={`/runs/${failed.id}`} className="plain-link small" data-testid="failed-run">
          {failed.workflow ? t('runs.failedRunOf', { workflow: failed.workflow }) : t('runs.failedRun')}
        </Link>
      ) : null}
    </>
  );
}
