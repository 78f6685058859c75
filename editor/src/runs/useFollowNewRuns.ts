/**
 * Runs of the open workflow that start elsewhere — a webhook call, the API, a retry —
 * appear on the canvas as they happen: the newest run is checked every few seconds and,
 * when a new one shows up and the canvas is not already following one in progress, it is
 * followed live (its events stream then asks the worker for step-by-step progress).
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { api } from '../api/endpoints.ts';
import { FINISHED_RUN_STATUSES } from '../api/types.ts';
import type { EditorStore } from '../store/editor-store.ts';

const EVERY_MS = 2000;

export function useFollowNewRuns(store: EditorStore, workflowId: string): void {
  const seen = useRef<string | null | undefined>(undefined);
  const newest = useQuery({
    queryKey: ['newest-run', workflowId],
    queryFn: async () => (await api.listRuns({ workflowId, limit: 1 })).runs[0] ?? null,
    refetchInterval: EVERY_MS,
    refetchIntervalInBackground: false,
  });
  const run = newest.data;
  useEffect(() => {
    if (run === undefined) return;
    // The run that was newest when the page opened is history, not news.
    if (seen.current === undefined) {
      seen.current = run?.id ?? null;
      return;
    }
    if (!run || run.id === seen.current) return;
    seen.current = run.id;
    const shown = store.getState().run;
    if (shown && (shown.id === run.id || !FINISHED_RUN_STATUSES.includes(shown.status))) return;
    store.getState().showRun(run.id);
  }, [store, run]);
}
