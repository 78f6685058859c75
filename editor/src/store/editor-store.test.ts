import { describe, expect, it } from 'vitest';
import type { WorkflowGraph } from '@junction/nodes';
import { copySelection } from '../canvas/clipboard.ts';
import { isStep } from '../canvas/graph.ts';
import { createEditorStore } from './editor-store.ts';

const graph: Partial<WorkflowGraph> = {
  nodes: [
    { id: 't', type: 'trigger.webhook', name: 'Order received', params: { path: 'orders' }, position: [0, 0], onError: 'stop' },
    { id: 'i', type: 'logic.if', name: 'Big order?', params: { conditions: [{ left: '{{ $json.total }}', op: 'gt', right: 1000 }] }, position: [280, 0], onError: 'stop' },
  ],
  edges: [{ source: 't', sourcePort: 'main', target: 'i', targetPort: 'main' }],
};

const names = (store: ReturnType<typeof createEditorStore>) => store.getState().nodes.filter(isStep).map((n) => n.data.name);

describe('the editor store', () => {
  it('loads a graph and gives it back unchanged, clean', () => {
    const store = createEditorStore({ graph });
    const saved = store.getState().graph();
    expect(saved.nodes).toEqual(graph.nodes);
    expect(saved.edges).toEqual(graph.edges);
    expect(store.getState().revision).toBe(store.getState().savedRevision);
  });

  it('arranges nodes as if stored that way: no unsaved change, nothing to undo, even read-only; the next save keeps it', () => {
    for (const readOnly of [false, true]) {
      const store = createEditorStore({ graph, readOnly });
      store.getState().arrange(new Map([['i', { x: 300, y: 40 }]]));
      expect(store.getState().graph().nodes[1]!.position).toEqual([300, 40]);
      expect(store.getState().revision).toBe(store.getState().savedRevision);
      expect(store.getState().past).toHaveLength(0);
    }
    const store = createEditorStore({ graph });
    store.getState().arrange(new Map([['i', { x: 300, y: 40 }]]));
    store.getState().updateNode('t', { name: 'Order in' });
    store.getState().undo();
    expect(store.getState().graph().nodes[1]!.position).toEqual([300, 40]);
  });

  it('adds a node after another, connected from the chosen port, with a unique name', () => {
    const store = createEditorStore({ graph });
    const id = store.getState().addNode('logic.if', 'Big order?', { x: 560, y: 0 }, { nodeId: 'i', port: 'true', inputPort: 'main' });
    expect(names(store)).toEqual(['Order received', 'Big order?', 'Big order? 2']);
    expect(store.getState().graph().edges).toContainEqual({ source: 'i', sourcePort: 'true', target: id, targetPort: 'main' });
    expect(store.getState().nodes.find((n) => n.id === id)?.selected).toBe(true);
    expect(store.getState().revision).not.toBe(store.getState().savedRevision);
  });

  it('undoes and redoes each change, and counts a stream of edits to one field as one', () => {
    const store = createEditorStore({ graph });
    const s = () => store.getState();
    s().updateNode('t', { params: { path: 'o' } }, 'params');
    s().updateNode('t', { params: { path: 'or' } }, 'params');
    s().updateNode('t', { params: { path: 'orders-in' } }, 'params');
    s().addNode('logic.noop', 'Done', { x: 0, y: 100 });
    expect(s().past).toHaveLength(2);
    s().undo();
    expect(names(store)).toEqual(['Order received', 'Big order?']);
    s().undo();
    expect(s().graph().nodes[0]!.params).toEqual({ path: 'orders' });
    expect(s().past).toHaveLength(0);
    s().undo();
    expect(s().graph().nodes[0]!.params).toEqual({ path: 'orders' });
    s().redo();
    expect(s().graph().nodes[0]!.params).toEqual({ path: 'orders-in' });
    s().redo();
    expect(names(store)).toContain('Done');
    expect(s().future).toHaveLength(0);
  });

  it('changes the workflow settings, undoably', () => {
    const store = createEditorStore({ graph });
    store.getState().updateSettings({ timezone: 'Asia/Taipei' });
    store.getState().updateSettings({ timezone: 'Asia/Taipei', timeoutSeconds: 600 });
    expect(store.getState().graph().settings).toEqual({ timezone: 'Asia/Taipei', timeoutSeconds: 600 });
    store.getState().undo();
    expect(store.getState().graph().settings).toEqual({ timezone: '', timeoutSeconds: 3600 });
  });

  it('makes an undo step of a drag only when something moved', () => {
    const store = createEditorStore({ graph });
    const s = () => store.getState();
    s().beginMove();
    s().onNodesChange([{ type: 'position', id: 'i', position: { x: 280, y: 0 }, dragging: false }]);
    expect(s().past).toHaveLength(0);
    expect(s().revision).toBe(s().savedRevision);
    s().beginMove();
    s().onNodesChange([{ type: 'position', id: 'i', position: { x: 300, y: 40 }, dragging: true }]);
    s().onNodesChange([{ type: 'position', id: 'i', position: { x: 320, y: 80 }, dragging: false }]);
    expect(s().past).toHaveLength(1);
    expect(s().graph().nodes[1]!.position).toEqual([320, 80]);
    s().undo();
    expect(s().graph().nodes[1]!.position).toEqual([280, 0]);
  });

  it('removes the selected nodes with their connections, as one undoable change', () => {
    const store = createEditorStore({ graph });
    store.getState().selectOnly('i');
    store.getState().removeSelected();
    expect(store.getState().graph()).toMatchObject({ nodes: [{ id: 't' }], edges: [] });
    store.getState().undo();
    expect(store.getState().graph().edges).toHaveLength(1);
  });

  it('pastes a copied fragment with fresh ids, new names and its inner connections', () => {
    const store = createEditorStore({ graph });
    store.getState().onNodesChange(['t', 'i'].map((id) => ({ type: 'select', id, selected: true })));
    const fragment = copySelection(store.getState().nodes, store.getState().edges)!;
    store.getState().paste(fragment);
    const nodes = store.getState().graph().nodes;
    expect(nodes.map((n) => n.name)).toEqual(['Order received', 'Big order?', 'Order received 2', 'Big order? 2']);
    expect(new Set(nodes.map((n) => n.id)).size).toBe(4);
    const pasted = store.getState().graph().edges[1]!;
    expect(pasted.source).toBe(nodes[2]!.id);
    expect(pasted.target).toBe(nodes[3]!.id);
    expect(nodes[2]!.position).toEqual([40, 40]);
  });

  it('is clean again when undo goes back to the saved graph, and changed when redo leaves it', () => {
    const store = createEditorStore({ graph });
    const dirty = () => store.getState().revision !== store.getState().savedRevision;
    store.getState().updateNode('t', { name: 'Order in' });
    store.getState().markSaved();
    store.getState().onNodesChange([{ type: 'select', id: 't', selected: true }]);
    store.getState().paste(copySelection(store.getState().nodes, store.getState().edges)!);
    expect(dirty()).toBe(true);
    store.getState().undo();
    expect(dirty()).toBe(false);
    store.getState().redo();
    expect(dirty()).toBe(true);
    // Undo past the save: the graph before it is not what the server has.
    store.getState().undo();
    store.getState().undo();
    expect(dirty()).toBe(true);
    // A new change after undoing is a graph never saved, even where the step count matches.
    store.getState().redo();
    expect(dirty()).toBe(false);
    store.getState().updateNode('t', { name: 'Something else' });
    store.getState().undo();
    store.getState().addNode('logic.noop', 'No operation', { x: 0, y: 0 });
    expect(dirty()).toBe(true);
  });

  it('changes nothing in a read-only view (a run on the version that ran, a viewer’s canvas)', () => {
    const store = createEditorStore({ graph, readOnly: true });
    store.getState().updateNode('t', { name: 'Changed' });
    store.getState().selectOnly('t');
    store.getState().removeSelected();
    store.getState().onNodesChange([{ type: 'remove', id: 'i' }]);
    store.getState().addNode('logic.noop', 'No operation', { x: 0, y: 0 });
    store.getState().addSticky({ x: 0, y: 0 });
    store.getState().setPositions(new Map([['t', { x: 500, y: 500 }]]));
    expect(names(store)).toEqual(['Order received', 'Big order?']);
    expect(store.getState().nodes).toHaveLength(2);
    expect(store.getState().nodes.find((n) => n.id === 't')?.position).not.toEqual({ x: 500, y: 500 });
    expect(store.getState().revision).toBe(0);
    expect(store.getState().nodes.find((n) => n.id === 't')?.selected).toBe(true);
  });

  it('a server problem on a node clears when that node is edited', () => {
    const store = createEditorStore({ graph });
    store.getState().setServerIssues({ i: { fields: { 'conditions[0].right': ['Not valid'] }, count: 1 } });
    store.getState().updateNode('t', { name: 'Other' });
    expect(store.getState().serverIssues.i?.count).toBe(1);
    store.getState().updateNode('i', { params: {} });
    expect(store.getState().serverIssues.i).toBeUndefined();
  });

  it('follows a run: live steps, then the detail with item counts', () => {
    const store = createEditorStore({ graph });
    store.getState().showRun('r1');
    store.getState().applyStep('r1', { nodeId: 't', status: 'succeeded', attempt: 1, counts: { main: 2 }, error: null });
    store.getState().applyStep('other-run', { nodeId: 'i', status: 'failed', attempt: 1, counts: {}, error: null });
    expect(Object.keys(store.getState().run!.steps)).toEqual(['t']);
    store.getState().setRunDetail({
      id: 'r1',
      workflowId: 'w',
      versionId: 'v',
      status: 'succeeded',
      mode: 'manual',
      triggerNodeId: 't',
      error: null,
      retryOf: null,
      parentRunId: null,
      createdAt: '',
      startedAt: null,
      finishedAt: null,
      cancelRequested: false,
      input: [],
      inputCount: 0,
      output: null,
      outputCount: null,
      steps: [
        {
          nodeId: 'i',
          name: 'Big order?',
          type: 'logic.if',
          status: 'succeeded',
          attempt: 1,
          input: [],
          inputCount: 0,
          // The detail previews a port's first items; its count is of all of them.
          output: { true: [{ json: {} }], false: [] },
          outputCounts: { true: 250, false: 0 },
          error: null,
          attempts: [],
          startedAt: null,
          finishedAt: null,
          nextAttemptAt: null, wait: null,
        },
      ],
    });
    expect(store.getState().run).toMatchObject({ status: 'succeeded', steps: { i: { counts: { true: 250, false: 0 } }, t: { status: 'succeeded' } } });
  });
});
