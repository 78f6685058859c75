/**
 * One run on the canvas of the workflow version that ran: each node with its status and
 * item counts, its data in the inspector; retry from the failed step, or cancel.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ReactFlowProvider } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toast } from 'sonner';
import { useStore } from 'zustand';
import { api } from '../api/endpoints.ts';
import { keys, useNodeTypes } from '../api/queries.ts';
import { FINISHED_RUN_STATUSES, type RunDetail, type RunWorkflow } from '../api/types.ts';
import { Link, useNavigate } from '../app/navigation.tsx';
import { Canvas } from '../canvas/Canvas.tsx';
import { CatalogueContext } from '../canvas/catalogue-context.tsx';
import { useArrangeOnOpen } from '../canvas/useArrangeOnOpen.ts';
import { useFormat } from '../i18n/format.ts';
import { useCan } from '../session/session.ts';
import { Inspector } from '../inspector/Inspector.tsx';
import { EditorStoreProvider } from '../store/context.tsx';
import { createEditorStore } from '../store/editor-store.ts';
import { ErrorBox, Loading, notifyError, StatusBadge } from '../ui/feedback.tsx';
import { RunBanner } from './RunBanner.tsx';
import { RunOrigin } from './RunOrigin.tsx';
import { useRunEvents } from './useRunEvents.ts';

export default function RunDetailPage({ runId }: { runId: string }) {
  const types = useNodeTypes();
  const run = useQuery({ queryKey: keys.run(runId), queryFn: () => api.getRun(runId) });
  const graph = useQuery({ queryKey: keys.runWorkflow(runId), queryFn: () => api.getRunWorkflow(runId), staleTime: Infinity });
  const error = types.error ?? run.error ?? graph.error;
  if (error) return <ErrorBox error={error} onRetry={() => void (run.refetch(), graph.refetch(), types.refetch())} />;
  if (!types.data || !run.data || !graph.data) return <Loading />;
  return (
    <ReactFlowProvider>
      <CatalogueContext.Provider value={types.data.byType}>
        <RunView run={run.data} workflow={graph.data} catalogue={types.data.byType} />
      </CatalogueContext.Provider>
    </ReactFlowProvider>
  );
}

function RunView({ run, workflow, catalogue }: { run: RunDetail; workflow: RunWorkflow; catalogue: Parameters<typeof Inspector>[0]['catalogue'] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const runnable = useCan()('workflows:run');
  const [store] = useState(() => {
    const created = createEditorStore({ graph: workflow.graph, readOnly: true });
    created.getState().showRun(run.id);
    created.getState().setRunDetail(run);
    return created;
  });
  useArrangeOnOpen(store, { note: false });
  const status = useStore(store, (s) => s.run?.status ?? run.status);
  const live = !FINISHED_RUN_STATUSES.includes(run.status);
  useRunEvents(store, live ? run.id : null, (detail) => queryClient.setQueryData(keys.run(detail.id), detail));

  // Open on the failed step, so the error is the first thing seen.
  useEffect(() => {
    if (run.error?.nodeId) store.getState().selectOnly(run.error.nodeId);
  }, [store, run.error?.nodeId]);

  const retry = useMutation({
    mutationFn: (version: 'original' | 'latest') => api.retryRun(run.id, version),
    onSuccess: ({ runId }) => {
      toast.success(t('runs.retried'));
      void queryClient.invalidateQueries({ queryKey: keys.allRuns });
      navigate(`/runs/${runId}`);
    },
    onError: (error) => notifyError(error, t('runs.retryFailed')),
  });
  const cancel = useMutation({
    mutationFn: () => api.cancelRun(run.id),
    onSuccess: () => toast.success(t('runs.cancelRequested')),
    onError: (error) => notifyError(error),
  });

  return (
    <EditorStoreProvider store={store}>
      <div className="editor">
        <div className="toolbar" role="toolbar" aria-label={t('runs.detailToolbar')}>
          <div className="toolbar-title">
            <Link to="/runs" className="plain-link muted">
              {t('nav.runs')}
            </Link>
            <span aria-hidden className="muted">
              /
            </span>
            <h1 className="workflow-name">{workflow.name}</h1>
            <span className="muted small">{t('workflows.version', { version: workflow.version })}</span>
            <StatusBadge status={status} />
            <span className="muted small">
              {format.dateTime(run.createdAt)} · {format.duration(run.startedAt, run.finishedAt)}
            </span>
            {run.retryOf ? (
              <Link to={`/runs/${run.retryOf}`} className="plain-link small">
                {t('runs.retryOf')}
              </Link>
            ) : null}
            <RunOrigin run={run} />
          </div>
          <div className="toolbar-group">
            <Link to={`/workflows/${workflow.workflowId}`} className="button small">
              {t('runs.openWorkflow')}
            </Link>
            {runnable && (status === 'failed' || status === 'cancelled') ? (
              <>
                <button type="button" className="button small" onClick={() => retry.mutate('original')} disabled={retry.isPending}>
                  {t('runs.retryOriginal')}
                </button>
                <button type="button" className="button primary" onClick={() => retry.mutate('latest')} disabled={retry.isPending} data-testid="retry-latest">
                  {t('runs.retryLatest')}
                </button>
              </>
            ) : null}
            {runnable && !FINISHED_RUN_STATUSES.includes(status) ? (
              <button type="button" className="button danger" onClick={() => cancel.mutate()} disabled={cancel.isPending || run.cancelRequested}>
                {t('runs.cancel')}
              </button>
            ) : null}
          </div>
        </div>
        <RunBanner closable={false} />
        <div className="editor-body run-body">
          <Canvas />
          <Inspector catalogue={catalogue} lastRun={null} />
        </div>
      </div>
    </EditorStoreProvider>
  );
}
