import { useReactFlow } from '@xyflow/react';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { toast } from 'sonner';
import type { EditorStore } from '../store/editor-store.ts';
import { FIT_VIEW, openingView } from './Canvas.tsx';
import { isPiledUp, layoutPositions } from './layout.ts';

/**
 * A workflow whose nodes lie in a pile (all at [0, 0], as the API and imports often leave
 * them) is laid out as it opens — in the editor and in a run's view. That is the editor's
 * doing, not the person's: nothing to undo and no "unsaved" badge nagging on every visit.
 * With `note`, a message says so and that the next save keeps the layout.
 */
export function useArrangeOnOpen(store: EditorStore, { note }: { note: boolean }) {
  const { t } = useTranslation();
  const flow = useReactFlow();
  useEffect(() => {
    const { nodes, edges, revision } = store.getState();
    if (!isPiledUp(nodes)) return;
    let cancelled = false;
    void layoutPositions(nodes, edges).then((positions) => {
      // Whatever the person did meanwhile wins.
      if (cancelled || store.getState().revision !== revision) return;
      store.getState().arrange(positions);
      const view = openingView(store.getState().nodes);
      requestAnimationFrame(() => void (view.fit ? flow.fitView(FIT_VIEW) : flow.setViewport(view.viewport)));
      if (note) toast.info(t('canvas.arranged'), { id: 'arranged' });
    });
    return () => {
      cancelled = true;
    };
  }, [store, flow, t, note]);
}
