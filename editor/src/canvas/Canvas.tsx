/**
 * The React Flow canvas bound to the editor store: drop from the palette, connect (with
 * the reason when a connection is refused), select, move, delete, copy/paste, and the
 * keyboard shortcuts listed in the help dialog.
 */
import {
  Background,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  useReactFlow,
  useStore as useFlowStore,
  type FinalConnectionState,
  type IsValidConnection,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { toast } from 'sonner';
import { StepNode } from '../node-views/StepNode.tsx';
import { StickyNote } from '../node-views/StickyNote.tsx';
import { useEditor, useEditorStore } from '../store/context.tsx';
import { useCatalogue } from './catalogue-context.tsx';
import { copySelection, parseFragment } from './clipboard.ts';
import { connectionProblem } from './connection.ts';
import { isStep, type CanvasEdge, type CanvasNode } from './graph.ts';
import { matchShortcut, type ShortcutAction } from './shortcuts.ts';

const nodeTypes = { step: StepNode, sticky: StickyNote };
export const PALETTE_MIME = 'application/x-junction-node-type';
/** Graphs larger than this render only what is in view. */
const LARGE_GRAPH = 150;
/** Below this zoom names are unreadable: nodes draw as plain boxes (CSS), which keeps a 500-node overview fast. */
const COMPACT_BELOW = 0.45;
/**
 * How "zoom to fit" frames the workflow (the fit button, Shift+1, auto-layout, opening):
 * clear of what sits over the canvas's edges — the canvas tools at the top left, the zoom
 * buttons at the bottom left and the minimap (110 px high, 15 px from the bottom) at the
 * bottom right — so no node is hidden under them.
 */
export const CANVAS_MARGINS = { top: 64, right: 32, bottom: 140, left: 56 } as const;
export const FIT_VIEW = {
  maxZoom: 1.2,
  padding: { top: `${CANVAS_MARGINS.top}px`, right: `${CANVAS_MARGINS.right}px`, bottom: `${CANVAS_MARGINS.bottom}px`, left: `${CANVAS_MARGINS.left}px` },
} as const;
const FIT_VIEW_ANIMATED = { ...FIT_VIEW, duration: 200 };
// Objects handed to React Flow are made once: it copies each prop that changed into its
// store, and every store change asks every node, edge and minimap node whether it is
// concerned — a new object per render meant three extra rounds of that per drag frame.
const DEFAULT_EDGE_OPTIONS = { type: 'smoothstep' };
const PRO_OPTIONS = { hideAttribution: true };
const MINIMAP_STYLE = { width: 160, height: 110 };

/** Where the canvas opens (see above). */
export function openingView(nodes: readonly CanvasNode[], height = typeof window === 'undefined' ? 800 : window.innerHeight - 160) {
  if (nodes.length <= LARGE_GRAPH) return { fit: nodes.length > 0, viewport: { x: 0, y: 0, zoom: 1 } };
  const zoom = 0.6;
  const start = nodes.reduce((left, node) => (node.position.x < left.position.x ? node : left));
  return { fit: false, viewport: { x: 60 - start.position.x * zoom, y: height / 2 - start.position.y * zoom, zoom } };
}

function isEditable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return Boolean(el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || el.closest('.cm-editor')));
}

export interface CanvasProps {
  /** Adds a node of a type the user dropped from the palette. */
  onDropType?(type: string, position: { x: number; y: number }): void;
  /** Shortcuts the page handles (save, run, layout, help). */
  onShortcut?(action: ShortcutAction): void;
  /** Tools shown over the canvas's top-left corner. */
  tools?: ReactNode;
}

export function Canvas({ onDropType, onShortcut, tools }: CanvasProps) {
  const { t } = useTranslation();
  const store = useEditorStore();
  const catalogue = useCatalogue();
  const flow = useReactFlow<CanvasNode, CanvasEdge>();
  const wrapper = useRef<HTMLDivElement>(null);
  // Kept outside the key handlers' effect, which is set up again whenever the page's callbacks change.
  const clickedCanvas = useRef(false);
  const { nodes, edges, onNodesChange, onEdgesChange, connect, beginMove, readOnly } = useEditor((s) => ({
    nodes: s.nodes,
    edges: s.edges,
    onNodesChange: s.onNodesChange,
    onEdgesChange: s.onEdgesChange,
    connect: s.connect,
    beginMove: s.beginMove,
    readOnly: s.readOnly,
  }));
  // How the canvas opens: a workflow is fitted into view; a large one opens on its start
  // (the leftmost nodes, where triggers sit) at a readable zoom, and only what is in view is
  // drawn — "zoom to fit" still shows it whole. An empty canvas keeps zoom 1, so the first
  // nodes dropped on it land where they were dropped.
  const [opening] = useState(() => openingView(nodes));
  const compact = useFlowStore((s) => s.transform[2] < COMPACT_BELOW);
  const ariaLabelConfig = useMemo(
    () => ({
      'node.a11yDescription.default': t('canvas.a11yNodes'),
      'edge.a11yDescription.default': t('canvas.a11yEdges'),
      'controls.ariaLabel': t('canvas.controls'),
      'controls.zoomIn.ariaLabel': t('canvas.zoomIn'),
      'controls.zoomOut.ariaLabel': t('canvas.zoomOut'),
      'controls.fitView.ariaLabel': t('canvas.fitView'),
    }),
    [t],
  );
  // React Flow announces an edge by its node ids; people know the nodes by name. The names
  // are read as one string so that moving a node (a new nodes array per frame) does not
  // make new edge objects, which would have every edge re-render during a drag.
  const stepNames = useEditor((s) => s.nodes.map((n) => (isStep(n) ? `${n.id}\u0000${n.data.name}` : '')).join('\u0001'));
  const namedEdges = useMemo(() => {
    const names = new Map(stepNames.split('\u0001').map((entry) => entry.split('\u0000') as [string, string]));
    return edges.map((edge) => {
      const values = { source: names.get(edge.source) ?? edge.source, target: names.get(edge.target) ?? edge.target };
      const port = edge.sourceHandle && edge.sourceHandle !== 'main' ? t(`portLabels.${edge.sourceHandle}`, { defaultValue: edge.sourceHandle }) : null;
      return { ...edge, ariaLabel: port ? t('canvas.edgePort', { ...values, port }) : t('canvas.edge', values) };
    });
  }, [edges, stepNames, t]);

  const isValidConnection: IsValidConnection<CanvasEdge> = useCallback(
    (c) => {
      const { nodes: ns, edges: es } = store.getState();
      return connectionProblem(c, ns, es, catalogue) === null;
    },
    [store, catalogue],
  );

  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid || !state.toNode || !state.fromNode) return;
      const fromSource = state.fromHandle?.type !== 'target';
      const ends = fromSource
        ? { source: state.fromNode.id, sourceHandle: state.fromHandle?.id ?? null, target: state.toNode.id, targetHandle: state.toHandle?.id ?? null }
        : { source: state.toNode.id, sourceHandle: state.toHandle?.id ?? null, target: state.fromNode.id, targetHandle: state.fromHandle?.id ?? null };
      const { nodes: ns, edges: es } = store.getState();
      const problem = connectionProblem(ends, ns, es, catalogue);
      if (problem) toast.error(t(`connection.${problem.reason}`, problem.values), { id: 'connection-refused' });
    },
    [store, catalogue, t],
  );

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(PALETTE_MIME);
      if (!type || readOnly) return;
      event.preventDefault();
      onDropType?.(type, flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
    },
    [flow, onDropType, readOnly],
  );

  // Shortcuts, copy and paste work while the canvas (or nothing editable) has the focus, or the canvas was the last thing clicked.
  useEffect(() => {
    // Where the focus lands after a click on empty canvas is the browser's choice (<main>, or
    // wherever it was before), so the click itself is remembered too.
    const onPointerDown = (event: PointerEvent) => {
      clickedCanvas.current = event.target instanceof Node && Boolean(wrapper.current?.contains(event.target));
    };
    // On the canvas, or on nothing more specific: the page, or a container of the canvas (a click on it focuses <main>).
    const inScope = (target: EventTarget | null) => {
      const canvas = wrapper.current;
      if (!canvas || isEditable(target) || !(target instanceof Node)) return false;
      return clickedCanvas.current || canvas.contains(target) || target.contains(canvas);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      // Moving on with Tab leaves the canvas: Delete on a button reached that way must not delete nodes.
      if (event.key === 'Tab') clickedCanvas.current = false;
      const action = matchShortcut(event);
      if (!action) return;
      // Save and run work from anywhere; the rest not while typing, and delete only on the canvas.
      if (action !== 'save' && action !== 'run' && isEditable(event.target)) return;
      if ((action === 'delete' || action === 'selectAll') && !inScope(event.target)) return;
      const state = store.getState();
      const handled = (() => {
        switch (action) {
          case 'undo':
            return state.undo(), true;
          case 'redo':
            return state.redo(), true;
          case 'delete':
            return state.removeSelected(), true;
          case 'selectAll':
            return onNodesChange(state.nodes.map((n) => ({ type: 'select' as const, id: n.id, selected: true }))), true;
          case 'fit':
            return void flow.fitView(FIT_VIEW_ANIMATED), true;
          case 'sticky':
            return state.addSticky(flow.screenToFlowPosition({ x: window.innerWidth / 2, y: window.innerHeight / 2 })), true;
          default:
            onShortcut?.(action);
            return Boolean(onShortcut);
        }
      })();
      if (handled) event.preventDefault();
    };
    const onCopy = (event: ClipboardEvent) => {
      if (!inScope(event.target) || !event.clipboardData) return;
      const fragment = copySelection(store.getState().nodes, store.getState().edges);
      if (!fragment) return;
      event.clipboardData.setData('text/plain', JSON.stringify(fragment, null, 2));
      event.preventDefault();
      toast.success(t('canvas.copied', { count: fragment.nodes.length + fragment.stickyNotes.length }), { id: 'clipboard' });
    };
    const onCut = (event: ClipboardEvent) => {
      onCopy(event);
      if (event.defaultPrevented) store.getState().removeSelected();
    };
    const onPaste = (event: ClipboardEvent) => {
      if (!inScope(event.target) || store.getState().readOnly) return;
      const fragment = parseFragment(event.clipboardData?.getData('text/plain') ?? '');
      if (!fragment) return;
      event.preventDefault();
      store.getState().paste(fragment);
    };
    document.addEventListener('pointerdown', onPointerDown, true);
    document.addEventListener('keydown', onKeyDown);
    document.addEventListener('copy', onCopy);
    document.addEventListener('cut', onCut);
    document.addEventListener('paste', onPaste);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown, true);
      document.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('cut', onCut);
      document.removeEventListener('paste', onPaste);
    };
  }, [store, flow, onNodesChange, onShortcut, t]);

  return (
    <div className={compact ? 'canvas compact' : 'canvas'} ref={wrapper} onDragOver={(e) => e.preventDefault()} onDrop={onDrop} data-testid="canvas">
      <ReactFlow<CanvasNode, CanvasEdge>
        nodes={nodes}
        edges={namedEdges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={connect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onNodeDragStart={beginMove}
        deleteKeyCode={null}
        nodesConnectable={!readOnly}
        nodesDraggable={!readOnly}
        edgesReconnectable={false}
        onlyRenderVisibleElements={nodes.length > LARGE_GRAPH}
        fitView={opening.fit}
        defaultViewport={opening.viewport}
        fitViewOptions={FIT_VIEW}
        minZoom={0.1}
        defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
        proOptions={PRO_OPTIONS}
        ariaLabelConfig={ariaLabelConfig}
      >
        <Background gap={20} />
        {tools ? <Panel position="top-left">{tools}</Panel> : null}
        <MiniMap pannable zoomable ariaLabel={t('canvas.minimap')} style={MINIMAP_STYLE} />
        <Controls showInteractive={false} fitViewOptions={FIT_VIEW_ANIMATED} />
      </ReactFlow>
    </div>
  );
}
