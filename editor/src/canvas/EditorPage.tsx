/**
 * The editor: palette, canvas and inspector over one canvas store; saving makes a new
 * version; runs started here are followed live on the canvas.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ReactFlowProvider, useReactFlow, useStoreApi, type XYPosition } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toast } from 'sonner';
import { useStore } from 'zustand';
import { ApiError } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import { keys, useNodeTypes, type NodeTypeMap } from '../api/queries.ts';
import type { NodeTypeInfo, Workflow } from '../api/types.ts';
import { useUnsavedGuard } from '../app/navigation.tsx';
import { useCan, useMe } from '../session/session.ts';
import { useNodeTypeText } from '../i18n/node-types.ts';
import { initialParams } from '../inspector/defaults.ts';
import { Inspector } from '../inspector/Inspector.tsx';
import { preloadCodeEditor } from '../inspector/LazyCodeEditor.tsx';
import { checkGraph, placeIssues, savedProblems } from '../inspector/validation.ts';
import { Palette } from '../palette/Palette.tsx';
import { RunBanner } from '../runs/RunBanner.tsx';
import { RunDialog } from '../runs/RunDialog.tsx';
import { useFollowNewRuns } from '../runs/useFollowNewRuns.ts';
import { useRunEvents } from '../runs/useRunEvents.ts';
import { EditorStoreProvider } from '../store/context.tsx';
import { createEditorStore, type EditorStore } from '../store/editor-store.ts';
import { ErrorBox, Loading, notifyError } from '../ui/feedback.tsx';
import { ShareDialog } from '../workflows/ShareDialog.tsx';
import { Canvas, CANVAS_MARGINS, FIT_VIEW } from './Canvas.tsx';
import { CatalogueContext } from './catalogue-context.tsx';
import { isStep } from './graph.ts';
import { layoutPositions } from './layout.ts';
import { ProblemsBar } from './ProblemsBar.tsx';
import { useArrangeOnOpen } from './useArrangeOnOpen.ts';
import type { ShortcutAction } from './shortcuts.ts';
import { ShortcutsDialog } from './ShortcutsDialog.tsx';
import { CanvasTools, Toolbar } from './Toolbar.tsx';
import { VersionsDialog } from './VersionsDialog.tsx';

const VALIDATE_AFTER_MS = 300;

export default function EditorPage({ workflowId }: { workflowId: string }) {
  const types = useNodeTypes();
  const workflow = useQuery({ queryKey: keys.workflow(workflowId), queryFn: () => api.getWorkflow(workflowId) });
  if (types.isError || workflow.isError) return <ErrorBox error={types.error ?? workflow.error} onRetry={() => void (types.refetch(), workflow.refetch())} />;
  if (!types.data || !workflow.data) return <Loading />;
  return (
    <ReactFlowProvider>
      <CatalogueContext.Provider value={types.data.byType}>
        <Workspace initial={workflow.data} types={types.data.list} catalogue={types.data.byType} />
      </CatalogueContext.Provider>
    </ReactFlowProvider>
  );
}

/** Checks the graph a moment after each change (and language switch: problems are worded in it) and puts the problems on the nodes. */
function useValidation(store: EditorStore) {
  const revision = useStore(store, (s) => s.revision);
  const { i18n } = useTranslation();
  useEffect(() => {
    const timer = setTimeout(() => store.getState().setIssues(checkGraph(store.getState().graph()).byNode), VALIDATE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [store, revision, i18n.language]);
}

function Workspace({ initial, types, catalogue }: { initial: Workflow; types: NodeTypeInfo[]; catalogue: NodeTypeMap }) {
  const { t } = useTranslation();
  const text = useNodeTypeText();
  const queryClient = useQueryClient();
  const flow = useReactFlow();
  const flowStore = useStoreApi();
  const can = useCan();
  const me = useMe();
  // A viewer sees the workflow as it is: nothing on the canvas or in the forms changes.
  const writable = can('workflows:write');
  const runnable = can('workflows:run');
  const sharable = writable && (initial.ownerId === me.user.id || me.user.role === 'owner' || me.user.role === 'admin');
  const [store] = useState(() => createEditorStore({ graph: initial.graph, readOnly: !writable }));
  const [workflow, setWorkflow] = useState(initial);
  const [dialog, setDialog] = useState<'run' | 'versions' | 'help' | 'share' | null>(null);
  const dirty = useStore(store, (s) => s.revision !== s.savedRevision);
  const runId = useStore(store, (s) => s.run?.id ?? null);
  useValidation(store);
  useArrangeOnOpen(store, { note: true });
  useUnsavedGuard(dirty);
  useEffect(preloadCodeEditor, []);
  useFollowNewRuns(store, initial.id);
  useRunEvents(store, runId, () => {
    void queryClient.invalidateQueries({ queryKey: keys.allRuns });
    void queryClient.invalidateQueries({ queryKey: ['last-run', initial.id] });
  });

  // The last run's data feeds expression autocomplete and previews.
  const lastRun = useQuery({
    queryKey: ['last-run', workflow.id],
    queryFn: async () => {
      const { runs } = await api.listRuns({ workflowId: workflow.id, limit: 1 });
      return runs[0] ? api.getRun(runs[0].id) : null;
    },
  });

  const saveGraph = useCallback(async () => {
    const state = store.getState();
    const graph = state.graph();
    const revision = state.revision;
    try {
      const saved = await api.updateWorkflow(workflow.id, { graph });
      store.getState().markSaved(revision);
      setWorkflow(saved);
      queryClient.setQueryData(keys.workflow(saved.id), saved);
      void queryClient.invalidateQueries({ queryKey: keys.versions(saved.id) });
      void queryClient.invalidateQueries({ queryKey: keys.triggers(saved.id) });
      void queryClient.invalidateQueries({ queryKey: keys.allWorkflows });
      void queryClient.invalidateQueries({ queryKey: keys.workflowNames });
      toast.success(t('editor.saved', { version: saved.version }), { id: 'saved' });
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.issues.length > 0) {
        const placed = placeIssues(graph, error.issues);
        store.getState().setServerIssues(placed.byNode);
        const first = Object.keys(placed.byNode)[0];
        if (first) store.getState().selectOnly(first);
        toast.error(t('editor.saveFailed'), { description: savedProblems(graph, error.issues) });
        return false;
      }
      notifyError(error, t('editor.saveFailed'));
      return false;
    }
  }, [store, workflow.id, queryClient, t]);

  const save = useMutation({ mutationFn: saveGraph });

  const startRun = useMutation({
    mutationFn: async (input: unknown) => {
      if (store.getState().revision !== store.getState().savedRevision && !(await saveGraph())) return null;
      return api.runWorkflow(workflow.id, input);
    },
    onSuccess: (result) => {
      if (!result) return;
      setDialog(null);
      store.getState().showRun(result.runId);
    },
    onError: (error) => notifyError(error, t('run.startFailed')),
  });

  const setActive = useMutation({
    mutationFn: (active: boolean) => api.setActive(workflow.id, active),
    onSuccess: (updated) => {
      setWorkflow(updated);
      void queryClient.invalidateQueries({ queryKey: keys.allWorkflows });
      void queryClient.invalidateQueries({ queryKey: keys.triggers(updated.id) });
      toast.success(updated.active ? t('editor.activated') : t('editor.deactivated'));
    },
    onError: (error) => notifyError(error, t('editor.activateFailed')),
  });

  const restore = useMutation({
    mutationFn: async (version: number) => {
      const old = await api.getVersion(workflow.id, version);
      return api.updateWorkflow(workflow.id, { graph: old.graph });
    },
    onSuccess: (saved) => {
      store.getState().load(saved.graph);
      setWorkflow(saved);
      queryClient.setQueryData(keys.workflow(saved.id), saved);
      void queryClient.invalidateQueries({ queryKey: keys.versions(saved.id) });
      void queryClient.invalidateQueries({ queryKey: keys.triggers(saved.id) });
      toast.success(t('versions.restored', { version: saved.version }));
    },
    onError: (error) => notifyError(error),
  });

  // A node added from the palette (a click, not a drop) may land outside the view — after
  // a node near the edge, say. The view then pans to it at the same zoom: people must see
  // what their click did. React Flow measures the node a frame or two after it is added.
  const reveal = useCallback(
    (id: string, framesLeft = 10) =>
      void requestAnimationFrame(() => {
        const node = flow.getNode(id);
        const w = node?.measured?.width;
        const h = node?.measured?.height;
        if (!node || !w || !h) return framesLeft > 0 && reveal(id, framesLeft - 1);
        const { width, height } = flowStore.getState();
        const { x, y, zoom } = flow.getViewport();
        const left = node.position.x * zoom + x;
        const top = node.position.y * zoom + y;
        const room = CANVAS_MARGINS;
        const inView = left >= room.left && top >= room.top && left + w * zoom <= width - room.right && top + h * zoom <= height - room.bottom;
        if (!inView) void flow.setCenter(node.position.x + w / 2, node.position.y + h / 2, { zoom, duration: 200 });
      }),
    [flow, flowStore],
  );

  const addNode = useCallback(
    (type: NodeTypeInfo, at?: XYPosition) => {
      const state = store.getState();
      const selected = state.nodes.filter((n) => n.selected && isStep(n));
      const anchor = selected.length === 1 && isStep(selected[0]!) ? selected[0] : undefined;
      const anchorType = anchor && isStep(anchor) ? catalogue.get(anchor.data.nodeType) : undefined;
      const chain = !at && anchor && anchorType?.outputs.length && type.inputs.length;
      let position = at;
      if (!position && chain && anchor) {
        const taken = state.edges.filter((e) => e.source === anchor.id).length;
        position = { x: anchor.position.x + 280, y: anchor.position.y + taken * 110 };
      }
      position ??= flow.screenToFlowPosition({ x: window.innerWidth / 2, y: window.innerHeight / 2 });
      const id = state.addNode(
        type.type,
        text.label(type),
        position,
        chain && anchor ? { nodeId: anchor.id, port: anchorType!.outputs[0]!, inputPort: type.inputs[0]! } : undefined,
        initialParams(type.params),
      );
      if (!at) reveal(id);
      return id;
    },
    [store, catalogue, flow, text, reveal],
  );

  const layout = useCallback(async () => {
    const { nodes, edges } = store.getState();
    store.getState().setPositions(await layoutPositions(nodes, edges));
    requestAnimationFrame(() => void flow.fitView({ ...FIT_VIEW, duration: 200 }));
  }, [store, flow]);

  const onShortcut = useCallback(
    (action: ShortcutAction) => {
      if (action === 'save' && writable) save.mutate();
      if (action === 'run' && runnable) setDialog('run');
      if (action === 'layout' && writable) void layout();
      if (action === 'help') setDialog('help');
    },
    [save, layout, writable, runnable],
  );

  return (
    <EditorStoreProvider store={store}>
      <div className="editor">
        <Toolbar
          workflow={workflow}
          saving={save.isPending}
          may={{ write: writable, run: runnable, share: sharable }}
          onSave={() => save.mutate()}
          onVersions={() => setDialog('versions')}
          onRun={() => setDialog('run')}
          onShare={() => setDialog('share')}
          onActive={(active) => setActive.mutate(active)}
        />
        <ProblemsBar />
        <RunBanner />
        <div className={writable ? 'editor-body' : 'editor-body read-only'}>
          {writable ? <Palette types={types} onAdd={(type) => addNode(type)} /> : null}
          <Canvas
            onDropType={(type, position) => catalogue.get(type) && addNode(catalogue.get(type)!, position)}
            onShortcut={onShortcut}
            tools={<CanvasTools onLayout={() => void layout()} onHelp={() => setDialog('help')} />}
          />
          <Inspector catalogue={catalogue} lastRun={lastRun.data ?? null} workflowId={workflow.id} save={saveGraph} />
        </div>
      </div>
      <RunDialog workflowId={workflow.id} open={dialog === 'run'} onOpenChange={(open) => setDialog(open ? 'run' : null)} dirty={dirty} busy={startRun.isPending} onRun={(input) => startRun.mutate(input)} />
      <VersionsDialog
        workflowId={workflow.id}
        current={workflow.version}
        open={dialog === 'versions'}
        onOpenChange={(open) => setDialog(open ? 'versions' : null)}
        dirty={dirty}
        onRestore={writable ? (version) => restore.mutate(version) : undefined}
      />
      <ShortcutsDialog open={dialog === 'help'} onOpenChange={(open) => setDialog(open ? 'help' : null)} />
      {sharable ? (
        <ShareDialog workflowId={workflow.id} workflowName={workflow.name} ownerId={workflow.ownerId} open={dialog === 'share'} onOpenChange={(open) => setDialog(open ? 'share' : null)} />
      ) : null}
    </EditorStoreProvider>
  );
}
