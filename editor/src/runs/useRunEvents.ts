/**
 * Follows a run live over Server-Sent Events (`/api/runs/:id/events`): a snapshot first,
 * then each step's status and item counts as the runtime reports them, then the end —
 * when the run's full detail (inputs, outputs, errors) is loaded onto the canvas. A run
 * that comes to wait has its detail loaded too: what it waits for, until when, and the
 * address that answers it.
 */
import { useEffect, useRef } from 'react';
import { api, runEventsUrl } from '../api/endpoints.ts';
import { FINISHED_RUN_STATUSES, type RunDetail, type RunEvent, type RunSnapshot, type RunStatus } from '../api/types.ts';
import type { EditorStore } from '../store/editor-store.ts';
import { notifyError } from '../ui/feedback.tsx';

export function useRunEvents(store: EditorStore, runId: string | null, onFinished?: (detail: RunDetail) => void): void {
  const finishedRef = useRef(onFinished);
  finishedRef.current = onFinished;

  useEffect(() => {
    if (!runId) return;
    let closed = false;
    const source = new EventSource(runEventsUrl(runId));
    const finish = async () => {
      if (closed) return;
      closed = true;
      source.close();
      try {
        const detail = await api.getRun(runId);
        store.getState().setRunDetail(detail);
        finishedRef.current?.(detail);
      } catch (error) {
        notifyError(error);
      }
    };
    let waiting = false;
    const loadWaiting = async () => {
      try {
        const detail = await api.getRun(runId);
        if (!closed && detail.status === 'waiting') store.getState().setRunDetail(detail);
      } catch (error) {
        notifyError(error);
      }
    };
    const onStatus = (status: RunStatus) => {
      store.getState().setRunStatus(runId, status);
      if (FINISHED_RUN_STATUSES.includes(status)) void finish();
      else if (status === 'waiting' && !waiting) void loadWaiting();
      waiting = status === 'waiting';
    };
    source.addEventListener('snapshot', (event) => {
      const snapshot = JSON.parse((event as MessageEvent<string>).data) as RunSnapshot;
      store.getState().applyRunSnapshot(runId, snapshot.run.status, snapshot.steps);
      onStatus(snapshot.run.status);
    });
    source.addEventListener('step', (event) => {
      store.getState().applyStep(runId, JSON.parse((event as MessageEvent<string>).data) as Extract<RunEvent, { type: 'step' }>);
    });
    source.addEventListener('run', (event) => {
      onStatus((JSON.parse((event as MessageEvent<string>).data) as Extract<RunEvent, { type: 'run' }>).status);
    });
    return () => {
      closed = true;
      source.close();
    };
  }, [store, runId]);
}
