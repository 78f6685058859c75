/**
 * The canvas store, made by a factory (one store per open canvas: the editor, a run's
 * detail), with separate State and Actions types as React Flow's own apps do. Components
 * read it through `useEditor(selector)` with `useShallow`.
 *
 * Undo/redo keeps snapshots of nodes and edges (immutable arrays, so a snapshot costs a
 * pointer). A snapshot is taken before each change the user makes; a stream of edits to
 * the same field of the same node counts as one change.
 */
import { addEdge, applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange, type XYPosition } from '@xyflow/react';
import type { Settings, WorkflowGraph } from '@junction/nodes';
import { createStore } from 'zustand/vanilla';
import type { LiveStep, RunDetail, RunStatus } from '../api/types.ts';
import { type Fragment, pasteFragment } from '../canvas/clipboard.ts';
import { DEFAULT_SETTINGS, isStep, toFlow, toFlowEdge, toGraph, type CanvasEdge, type CanvasNode, type StepData, type StepFlowNode } from '../canvas/graph.ts';
import { newNodeId, uniqueName } from '../canvas/naming.ts';
import { mergeIssues, type NodeIssues } from '../inspector/validation.ts';

const HISTORY_LIMIT = 100;
const COALESCE_MS = 1000;

interface Snapshot {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  /** The revision this graph had: undo and redo bring it back, so undoing to the saved graph is no unsaved change. */
  revision: number;
  settings: Settings;
}

export interface EditorState {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  settings: Settings;
  past: Snapshot[];
  future: Snapshot[];
  /**
   * Names the graph as it is: every change to it (not selection or measuring) gets a number
   * never used before, and undo/redo restore the number of the graph they restore.
   */
  revision: number;
  savedRevision: number;
  /** Problems per node id, from the editor's own check and from the server's last 400. */
  issues: NodeIssues;
  serverIssues: NodeIssues;
  /** A run shown on this canvas: its live step states and, once loaded, its detail. */
  run: { id: string; status: RunStatus; steps: Record<string, LiveStep>; detail: RunDetail | null } | null;
  readOnly: boolean;
  lastChangeKey: string | null;
  lastChangeAt: number;
  /** The graph as a drag found it (see beginMove). */
  moveStart: Snapshot | null;
}

export interface EditorActions {
  load(graph: Partial<WorkflowGraph>, options?: { keepHistory?: boolean }): void;
  onNodesChange(changes: NodeChange<CanvasNode>[]): void;
  onEdgesChange(changes: EdgeChange<CanvasEdge>[]): void;
  connect(connection: Connection): void;
  /** Records an undo point before a change made outside the store's actions (a resize). */
  checkpoint(key?: string): void;
  /** A drag begins: the undo point is kept aside, and recorded only if something moved. */
  beginMove(): void;
  addNode(
    nodeType: string,
    label: string,
    position: XYPosition,
    after?: { nodeId: string; port: string; inputPort: string },
    params?: Record<string, unknown>,
  ): string;
  addSticky(position: XYPosition): string;
  updateNode(id: string, patch: Partial<StepData>, key?: string): void;
  updateSticky(id: string, text: string): void;
  updateSettings(patch: Partial<Settings>): void;
  removeSelected(): void;
  selectOnly(id: string | null): void;
  paste(fragment: Fragment, at?: XYPosition): void;
  setPositions(positions: Map<string, XYPosition>): void;
  /**
   * Places nodes where the editor (not the person) put them, as if the workflow had been
   * stored that way: no undo step, not an unsaved change, allowed when read-only. The next
   * save keeps the positions.
   */
  arrange(positions: Map<string, XYPosition>): void;
  undo(): void;
  redo(): void;
  /** The graph as of `revision` (default: now) is what the server has. */
  markSaved(revision?: number): void;
  setIssues(issues: NodeIssues): void;
  setServerIssues(issues: NodeIssues): void;
  showRun(runId: string | null): void;
  applyRunSnapshot(runId: string, status: RunStatus, steps: LiveStep[]): void;
  applyStep(runId: string, step: LiveStep): void;
  setRunStatus(runId: string, status: RunStatus): void;
  setRunDetail(detail: RunDetail): void;
  graph(): WorkflowGraph;
}

/** What is drawn over the graph: every problem (the editor's and the server's, merged) and the run's step states. */
export interface Decorations {
  problems: NodeIssues;
  run: EditorState['run'];
}

export type EditorStore = ReturnType<typeof createEditorStore>;

/**
 * The store, and beside it `decorations`: a mirror of problems and run state that the
 * node views subscribe to instead of the store itself. A drag changes the store on every
 * frame; hundreds of node views must not all be asked about it each time.
 */
export function createEditorStore(initial: { graph?: Partial<WorkflowGraph>; readOnly?: boolean } = {}) {
  const store = createGraphStore(initial);
  const pick = (s: EditorState): Decorations => ({ problems: mergeIssues(s.issues, s.serverIssues), run: s.run });
  const decorations = createStore<Decorations>()(() => pick(store.getState()));
  store.subscribe((next, previous) => {
    if (next.issues !== previous.issues || next.serverIssues !== previous.serverIssues || next.run !== previous.run) decorations.setState(pick(next));
  });
  return Object.assign(store, { decorations });
}

function createGraphStore(initial: { graph?: Partial<WorkflowGraph>; readOnly?: boolean }) {
  const flow = toFlow(initial.graph ?? {});
  return createStore<EditorState & EditorActions>()((set, get) => {
    /** Pushes the current graph onto the undo stack (unless this continues the same change). */
    const remember = (key?: string) => {
      const state = get();
      const now = Date.now();
      if (key && key === state.lastChangeKey && now - state.lastChangeAt < COALESCE_MS) {
        set({ lastChangeAt: now });
        return;
      }
      set({
        past: [...state.past.slice(-(HISTORY_LIMIT - 1)), { nodes: state.nodes, edges: state.edges, settings: state.settings, revision: state.revision }],
        future: [],
        lastChangeKey: key ?? null,
        lastChangeAt: now,
      });
    };
    let lastRevision = 0;
    const changed = (patch: Partial<EditorState>) => set({ ...patch, revision: ++lastRevision });

    return {
      nodes: flow.nodes,
      edges: flow.edges,
      settings: { ...DEFAULT_SETTINGS, ...initial.graph?.settings },
      past: [],
      future: [],
      revision: 0,
      savedRevision: 0,
      issues: {},
      serverIssues: {},
      run: null,
      readOnly: initial.readOnly ?? false,
      lastChangeKey: null,
      lastChangeAt: 0,
      moveStart: null,

      load(graph, options) {
        const next = toFlow(graph);
        if (options?.keepHistory) {
          remember();
          changed({ nodes: next.nodes, edges: next.edges, settings: { ...DEFAULT_SETTINGS, ...graph.settings } });
          return;
        }
        const revision = ++lastRevision;
        set({
          nodes: next.nodes,
          edges: next.edges,
          settings: { ...DEFAULT_SETTINGS, ...graph.settings },
          past: [],
          future: [],
          revision,
          savedRevision: revision,
          serverIssues: {},
        });
      },

      onNodesChange(changes) {
        const state = get();
        if (state.readOnly) changes = changes.filter((c) => c.type === 'select' || c.type === 'dimensions');
        if (changes.length === 0) return;
        const structural = changes.some((c) => c.type === 'remove' || c.type === 'add' || c.type === 'replace');
        if (structural) remember();
        const nodes = applyNodeChanges(changes, state.nodes);
        const removed = new Set(changes.flatMap((c) => (c.type === 'remove' ? [c.id] : [])));
        const edges = removed.size ? state.edges.filter((e) => !removed.has(e.source) && !removed.has(e.target)) : state.edges;
        // A finished drag (or resize) changes the graph; a move in progress and selection do not count twice.
        const moved = changes.some((c) => (c.type === 'position' && c.dragging === false) || (c.type === 'dimensions' && c.resizing !== undefined));
        const start = state.moveStart;
        if (moved && start) {
          // A click can look like a drag of no distance: only a real move is worth an undo step.
          const before = new Map(start.nodes.map((n) => [n.id, n.position]));
          const shifted = nodes.some((n) => {
            const was = before.get(n.id);
            return was !== undefined && (was.x !== n.position.x || was.y !== n.position.y);
          });
          set({ moveStart: null });
          if (!shifted) return set({ nodes, edges });
          set({ past: [...state.past.slice(-(HISTORY_LIMIT - 1)), start], future: [], lastChangeKey: null });
        }
        if (structural || moved) changed({ nodes, edges });
        else set({ nodes, edges });
      },

      onEdgesChange(changes) {
        const state = get();
        if (state.readOnly) changes = changes.filter((c) => c.type === 'select');
        if (changes.length === 0) return;
        const structural = changes.some((c) => c.type !== 'select');
        if (structural) remember();
        const edges = applyEdgeChanges(changes, state.edges);
        if (structural) changed({ edges });
        else set({ edges });
      },

      connect(connection) {
        if (get().readOnly) return;
        remember();
        const edge = toFlowEdge({
          source: connection.source,
          sourcePort: connection.sourceHandle ?? 'main',
          target: connection.target,
          targetPort: connection.targetHandle ?? 'main',
        });
        changed({ edges: addEdge(edge, get().edges) });
      },

      checkpoint(key) {
        if (!get().readOnly) remember(key);
      },

      beginMove() {
        const { nodes, edges, settings, revision, readOnly } = get();
        if (!readOnly) set({ moveStart: { nodes, edges, settings, revision } });
      },

      addNode(nodeType, label, position, after, params = {}) {
        if (get().readOnly) return '';
        remember();
        const state = get();
        const id = newNodeId();
        const names = new Set(state.nodes.filter(isStep).map((n) => n.data.name.toLowerCase()));
        const node: StepFlowNode = { id, type: 'step', position, data: { nodeType, name: uniqueName(label, names), params, onError: 'stop' }, selected: true };
        const nodes = [...state.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node];
        const edges = after
          ? addEdge(toFlowEdge({ source: after.nodeId, sourcePort: after.port, target: id, targetPort: after.inputPort }), state.edges)
          : state.edges;
        changed({ nodes, edges });
        return id;
      },

      addSticky(position) {
        if (get().readOnly) return '';
        remember();
        const id = newNodeId();
        const sticky: CanvasNode = { id, type: 'sticky', position, width: 240, height: 160, data: { text: '', color: 'yellow' }, zIndex: -1 };
        changed({ nodes: [sticky, ...get().nodes] });
        return id;
      },

      updateNode(id, patch, key) {
        if (get().readOnly) return;
        remember(key ? `${id}:${key}` : undefined);
        const { [id]: _answered, ...serverIssues } = get().serverIssues;
        changed({ nodes: get().nodes.map((n) => (n.id === id && isStep(n) ? { ...n, data: { ...n.data, ...patch } } : n)), serverIssues });
      },

      updateSticky(id, text) {
        if (get().readOnly) return;
        remember(`${id}:text`);
        changed({ nodes: get().nodes.map((n) => (n.id === id && n.type === 'sticky' ? { ...n, data: { ...n.data, text } } : n)) });
      },

      updateSettings(patch) {
        if (get().readOnly) return;
        remember('settings');
        changed({ settings: { ...get().settings, ...patch } });
      },

      removeSelected() {
        const state = get();
        if (state.readOnly) return;
        const removed = new Set(state.nodes.filter((n) => n.selected).map((n) => n.id));
        const edges = state.edges.filter((e) => !e.selected && !removed.has(e.source) && !removed.has(e.target));
        if (removed.size === 0 && edges.length === state.edges.length) return;
        remember();
        changed({ nodes: state.nodes.filter((n) => !removed.has(n.id)), edges });
      },

      selectOnly(id) {
        set((s) => ({
          nodes: s.nodes.map((n) => (Boolean(n.selected) === (n.id === id) ? n : { ...n, selected: n.id === id })),
          edges: s.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
        }));
      },

      paste(fragment, at) {
        if (get().readOnly) return;
        remember();
        const state = get();
        const pasted = pasteFragment(fragment, state.nodes, at);
        changed({
          nodes: [...state.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...pasted.nodes],
          edges: [...state.edges, ...pasted.edges],
        });
      },

      setPositions(positions) {
        if (get().readOnly) return;
        remember();
        changed({ nodes: get().nodes.map((n) => (positions.has(n.id) ? { ...n, position: positions.get(n.id)! } : n)) });
      },

      arrange(positions) {
        set((s) => ({ nodes: s.nodes.map((n) => (positions.has(n.id) ? { ...n, position: positions.get(n.id)! } : n)) }));
      },

      undo() {
        const { past, future, nodes, edges, settings, revision } = get();
        const previous = past.at(-1);
        if (!previous) return;
        // The server's last verdict was about another graph: the editor's own check takes over.
        set({ ...previous, past: past.slice(0, -1), future: [{ nodes, edges, settings, revision }, ...future], lastChangeKey: null, serverIssues: {} });
      },

      redo() {
        const { past, future, nodes, edges, settings, revision } = get();
        const next = future[0];
        if (!next) return;
        set({ ...next, past: [...past, { nodes, edges, settings, revision }], future: future.slice(1), lastChangeKey: null, serverIssues: {} });
      },

      markSaved(revision) {
        set((s) => ({ savedRevision: revision ?? s.revision, serverIssues: {} }));
      },

      setIssues(issues) {
        set({ issues });
      },

      setServerIssues(serverIssues) {
        set({ serverIssues });
      },

      showRun(runId) {
        set({ run: runId ? { id: runId, status: 'queued', steps: {}, detail: null } : null });
      },

      applyRunSnapshot(runId, status, steps) {
        const run = get().run;
        if (!run || run.id !== runId) return;
        set({ run: { ...run, status, steps: Object.fromEntries(steps.map((s) => [s.nodeId, s])) } });
      },

      applyStep(runId, step) {
        const run = get().run;
        if (!run || run.id !== runId) return;
        set({ run: { ...run, steps: { ...run.steps, [step.nodeId]: step } } });
      },

      setRunStatus(runId, status) {
        const run = get().run;
        if (run && run.id === runId) set({ run: { ...run, status } });
      },

      setRunDetail(detail) {
        const run = get().run;
        if (!run || run.id !== detail.id) return;
        const steps = { ...run.steps };
        for (const step of detail.steps) {
          // The detail shows the first items of each port; the counts are of all of them.
          const counts = step.outputCounts ?? {};
          steps[step.nodeId] = { nodeId: step.nodeId, status: step.status, attempt: step.attempt, counts, error: step.error };
        }
        set({ run: { ...run, status: detail.status, steps, detail } });
      },

      graph() {
        const { nodes, edges, settings } = get();
        return toGraph(nodes, edges, settings);
      },
    };
  });
}
