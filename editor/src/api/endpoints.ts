/** Junction's API for workflows, runs, node types and expression previews, one function per call. */
import { request } from './client.ts';
import type {
  CancelAccepted,
  ExpressionPreview,
  Item,
  NodeTypeInfo,
  PollPreview,
  RunAccepted,
  RunDetail,
  RunPage,
  RunStatus,
  RunWorkflow,
  StepItemsPage,
  VersionSummary,
  Workflow,
  WorkflowExport,
  WorkflowPage,
  WorkflowTriggers,
  WorkflowVersion,
} from './types.ts';

export const api = {
  nodeTypes: () => request<{ nodeTypes: NodeTypeInfo[] }>('GET', '/api/node-types').then((r) => r.nodeTypes),

  listWorkflows: (query: { search?: string; cursor?: string; limit?: number }) => request<WorkflowPage>('GET', '/api/workflows', { query }),
  getWorkflow: (id: string) => request<Workflow>('GET', `/api/workflows/${id}`),
  createWorkflow: (name: string, graph: unknown) => request<Workflow>('POST', '/api/workflows', { body: { name, graph } }),
  updateWorkflow: (id: string, patch: { name?: string; graph?: unknown }) => request<Workflow>('PUT', `/api/workflows/${id}`, { body: patch }),
  deleteWorkflow: (id: string) => request<void>('DELETE', `/api/workflows/${id}`),
  duplicateWorkflow: (id: string) => request<Workflow>('POST', `/api/workflows/${id}/duplicate`),
  exportWorkflow: (id: string) => request<WorkflowExport>('GET', `/api/workflows/${id}/export`),
  importWorkflow: (document: unknown) => request<Workflow>('POST', '/api/workflows/import', { body: document }),
  setActive: (id: string, active: boolean) => request<Workflow>('POST', `/api/workflows/${id}/${active ? 'activate' : 'deactivate'}`),
  listVersions: (id: string) => request<{ versions: VersionSummary[] }>('GET', `/api/workflows/${id}/versions`).then((r) => r.versions),
  getVersion: (id: string, version: number) => request<WorkflowVersion>('GET', `/api/workflows/${id}/versions/${version}`),

  /** The workflow's triggers as saved: the next firings of its schedules and polls, a poll's last error. */
  workflowTriggers: (id: string) => request<WorkflowTriggers>('GET', `/api/workflows/${id}/triggers`).then((r) => r.triggers),
  /** What a poll trigger would start runs for if it looked now; what it remembers does not change. */
  testPoll: (id: string, nodeId: string) => request<PollPreview>('POST', `/api/workflows/${id}/triggers/${encodeURIComponent(nodeId)}/test`),

  /** Starts a run; `watch` asks the runtime for step-by-step progress events. */
  runWorkflow: (id: string, input: unknown) => request<RunAccepted>('POST', `/api/workflows/${id}/run`, { body: input, query: { watch: true } }),
  listRuns: (query: { workflowId?: string; status?: RunStatus | ''; from?: string; to?: string; cursor?: string; limit?: number }) =>
    request<RunPage>('GET', '/api/runs', { query }),
  getRun: (id: string) => request<RunDetail>('GET', `/api/runs/${id}`),
  getRunWorkflow: (id: string) => request<RunWorkflow>('GET', `/api/runs/${id}/workflow`),
  /** A page of a step's items, whole: what it received, or what it emitted on a port (run detail has only the first few). */
  stepItems: (runId: string, nodeId: string, query: { side: 'input' | 'output'; port?: string; cursor?: string; limit?: number }) =>
    request<StepItemsPage>('GET', `/api/runs/${runId}/steps/${encodeURIComponent(nodeId)}/items`, { query }),
  cancelRun: (id: string) => request<CancelAccepted>('POST', `/api/runs/${id}/cancel`),
  retryRun: (id: string, version: 'original' | 'latest') => request<RunAccepted>('POST', `/api/runs/${id}/retry`, { query: { version, watch: true } }),

  /** What an expression gives for an item, with other steps' output by node name and the workflow's settings. */
  previewExpression: (body: { expression: string; items: Item[]; itemIndex?: number; workflowId?: string; nodes?: Record<string, Item[]> }, signal?: AbortSignal) =>
    request<ExpressionPreview>('POST', '/api/expressions/preview', { body, signal }),
};

/** Server-Sent Events of a run: step status changes and item counts while it runs. */
export const runEventsUrl = (runId: string) => `/api/runs/${runId}/events`;
