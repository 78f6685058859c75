/** Run history: every run, newest first, filtered by workflow, status and dates, loaded page by page as you scroll. */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearch } from 'wouter';
import { api } from '../api/endpoints.ts';
import { keys, useWorkflowNames } from '../api/queries.ts';
import { RUN_STATUSES, type RunStatus } from '../api/types.ts';
import { Link } from '../app/navigation.tsx';
import { useFormat } from '../i18n/format.ts';
import { StatusBadge } from '../ui/feedback.tsx';
import { ListPage } from '../ui/page.tsx';
import { dayBoundary, DayRangeFields, EndlessScroll } from '../ui/paging.tsx';
import { stepErrorText } from './step-error.ts';

const PAGE = 30;

export default function RunsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const search = new URLSearchParams(useSearch());
  const [workflowId, setWorkflowId] = useState(search.get('workflowId') ?? '');
  const [status, setStatus] = useState<RunStatus | ''>((search.get('status') as RunStatus | null) ?? '');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');

  const workflows = useWorkflowNames();
  const names = new Map(workflows.data?.workflows.map((w) => [w.id, w.name]));
  const filters = { workflowId: workflowId || undefined, status, from: dayBoundary(from, false), to: dayBoundary(to, true) };
  const runs = useInfiniteQuery({
    queryKey: keys.runs(filters),
    queryFn: ({ pageParam }) => api.listRuns({ ...filters, cursor: pageParam, limit: PAGE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // New runs appear while the first page is what is shown; deeper in history, paging stays put.
    refetchInterval: (query) => ((query.state.data?.pages.length ?? 0) <= 1 ? 5000 : false),
  });

  const list = runs.data?.pages.flatMap((p) => p.runs) ?? [];
  return (
    <ListPage
      title={t('runs.title')}
      above={
        <form className="filters" role="search" aria-label={t('runs.filters')} onSubmit={(e) => e.preventDefault()}>
          <label className="field">
            <span className="field-label">{t('runs.workflow')}</span>
            <select className="input" value={workflowId} onChange={(e) => setWorkflowId(e.target.value)} data-testid="filter-workflow">
              <option value="">{t('runs.allWorkflows')}</option>
              {workflows.data?.workflows.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">{t('runs.status')}</span>
            <select className="input" value={status} onChange={(e) => setStatus(e.target.value as RunStatus | '')} data-testid="filter-status">
              <option value="">{t('runs.allStatuses')}</option>
              {RUN_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <DayRangeFields from={from} to={to} onFrom={setFrom} onTo={setTo} />
        </form>
      }
      query={runs}
      items={list}
      empty={t('runs.none')}
      table={(items) => (
        <table className="table" data-testid="runs-table">
          <thead>
            <tr>
              <th scope="col">{t('runs.status')}</th>
              <th scope="col">{t('runs.workflow')}</th>
              <th scope="col">{t('runs.started')}</th>
              <th scope="col">{t('runs.duration')}</th>
              <th scope="col">{t('runs.mode')}</th>
              <th scope="col">{t('runs.error')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((run) => (
              <tr key={run.id} data-testid="run-row">
                <td>
                  <Link to={`/runs/${run.id}`} className="plain-link">
                    <StatusBadge status={run.status} />
                  </Link>
                </td>
                <td>
                  <Link to={`/runs/${run.id}`} className="strong-link">
                    {names.get(run.workflowId) ?? t('runs.deletedWorkflow')}
                  </Link>
                </td>
                <td title={format.dateTime(run.createdAt)}>{format.dateTime(run.createdAt)}</td>
                <td>{format.duration(run.startedAt, run.finishedAt)}</td>
                <td>{t(`runs.modes.${run.mode}`, { defaultValue: run.mode })}</td>
                <td className="error-cell">{run.error ? stepErrorText(run.error.message, run.error.details) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      paging={<EndlessScroll list={runs} count={list.length} end={t('runs.end')} />}
    />
  );
}
