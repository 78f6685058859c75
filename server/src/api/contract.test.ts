/**
 * What the API answers is what the contract says (nodes/src/contract): the editor's types
 * are inferred from those schemas, so an answer that does not parse with its schema is a
 * screen that would read it wrong.
 */
import {
  ApiKeyCreated,
  ApiKeyList,
  AuditPage,
  CredentialList,
  CredentialTestResult,
  CredentialTypeList,
  ErrorResponse,
  ExpressionPreview,
  Me,
  NodeTypeList,
  RunDetail,
  RunPage,
  RunWorkflow,
  SetupStatus,
  SignedIn,
  UserList,
  Variable,
  VariableList,
  VersionList,
  Workflow,
  WorkflowExport,
  WorkflowPage,
  WorkflowShares,
  WorkflowVersion,
  type AuditEntry,
} from '@junction/nodes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { startHarness, type CallResult, type Harness } from '../testing/harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

/** The answer's body, parsed with the contract's schema (a failure names the field). */
function answer<T extends z.ZodType>(response: CallResult, status: number, schema: T): z.infer<T> {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  const parsed = schema.safeParse(response.body);
  if (!parsed.success) throw new Error(`the answer does not match the contract: ${JSON.stringify(parsed.error.issues)}`, { cause: parsed.error });
  return parsed.data;
}

describe('the API answers in the contract’s shapes', () => {
  it('for workflows, their versions, exports and shares', async () => {
    const graph = {
      nodes: [
        { id: 't', type: 'trigger.manual', name: 'Start' },
        { id: 'c', type: 'code.javascript', name: 'Log', params: { code: "console.warn('low stock'); return $input.all();" } },
      ],
      edges: [{ source: 't', target: 'c' }],
    };
    const created = answer(await h.call('POST', '/api/workflows', { name: 'Contract', graph }), 201, Workflow);
    expect(created.graph.nodes.map((node) => node.id)).toEqual(['t', 'c']);
    answer(await h.call('GET', `/api/workflows/${created.id}`), 200, Workflow);
    answer(await h.call('POST', `/api/workflows/${created.id}/activate`), 200, Workflow);
    const page = answer(await h.call('GET', '/api/workflows'), 200, WorkflowPage);
    expect(page.workflows.some((workflow) => workflow.id === created.id)).toBe(true);
    answer(await h.call('GET', `/api/workflows/${created.id}/versions`), 200, VersionList);
    answer(await h.call('GET', `/api/workflows/${created.id}/versions/1`), 200, WorkflowVersion);
    const exported = answer(await h.call('GET', `/api/workflows/${created.id}/export`), 200, WorkflowExport);
    answer(await h.call('POST', '/api/workflows/import', exported), 201, Workflow);
    answer(await h.call('GET', `/api/workflows/${created.id}/shares`), 200, WorkflowShares);

    const refused = answer(await h.call('PUT', `/api/workflows/${created.id}`, { graph: { nodes: [{ id: 'x', type: 'logic.nothing', name: 'X' }] } }), 400, ErrorResponse);
    expect(refused.error.issues?.map((issue) => issue.code)).toContain('unknown_node_type');
  });

  it('for runs, their steps with attempts and logs, and a failed one', async () => {
    const ok = await h.createWorkflow({
      nodes: [
        { id: 't', type: 'trigger.manual', name: 'Start' },
        { id: 'c', type: 'code.javascript', name: 'Log', params: { code: "console.warn('low stock'); return $input.all();" } },
      ],
      edges: [{ source: 't', target: 'c' }],
    });
    const failing = await h.createWorkflow({
      nodes: [
        { id: 't', type: 'trigger.manual', name: 'Start' },
        { id: 'h', type: 'connector.http', name: 'Call', params: { url: 'http://127.0.0.1:1/down' }, retry: { maxAttempts: 1, backoffMs: 0, maxBackoffMs: 0 } },
      ],
      edges: [{ source: 't', target: 'h' }],
    });
    const runs: string[] = [];
    for (const id of [ok, failing]) runs.push((await h.call('POST', `/api/workflows/${id}/run`, { sku: 'A-1' })).body.runId);
    for (const id of runs) await h.waitForRun(id);

    const done = answer(await h.call('GET', `/api/runs/${runs[0]}`), 200, RunDetail);
    expect(done.steps.find((step) => step.nodeId === 'c')!.attempts[0]!.logs).toEqual([{ level: 'warn', message: 'low stock' }]);
    const failed = answer(await h.call('GET', `/api/runs/${runs[1]}`), 200, RunDetail);
    expect(failed).toMatchObject({ status: 'failed', error: { nodeId: 'h' } });
    answer(await h.call('GET', '/api/runs'), 200, RunPage);
    answer(await h.call('GET', `/api/runs/${runs[1]}/workflow`), 200, RunWorkflow);
  });

  it('for node types, the caller, users, API keys, credentials, variables, previews and the audit log', async () => {
    answer(await h.call('GET', '/api/node-types'), 200, NodeTypeList);
    answer(await h.call('GET', '/api/setup'), 200, SetupStatus);
    answer(await h.call('POST', '/api/auth/sign-in', { email: h.owner.email, password: h.owner.password }), 200, SignedIn);
    answer(await h.call('GET', '/api/me'), 200, Me);
    answer(await h.call('GET', '/api/users'), 200, UserList);
    answer(await h.call('POST', '/api/api-keys', { name: 'ERP sync', scopes: ['workflows:read'] }), 201, ApiKeyCreated);
    answer(await h.call('GET', '/api/api-keys'), 200, ApiKeyList);
    answer(await h.call('GET', '/api/credential-types'), 200, CredentialTypeList);
    const credential = await h.call('POST', '/api/credentials', { name: 'ERP', type: 'httpBearer', data: { token: 's3cret-token' } });
    expect(credential.status).toBe(201);
    answer(await h.call('GET', '/api/credentials'), 200, CredentialList);
    answer(await h.call('POST', `/api/credentials/${credential.body.id}/test`, {}), 200, CredentialTestResult);
    answer(await h.call('POST', '/api/variables', { key: 'ERP_BASE_URL', value: 'https://erp.example.com' }), 201, Variable);
    answer(await h.call('GET', '/api/variables'), 200, VariableList);
    answer(await h.call('POST', '/api/expressions/preview', { expression: '{{ $json.total * 2 }}', items: [{ json: { total: 21 } }] }), 200, ExpressionPreview);

    const audit = answer(await h.call('GET', '/api/audit'), 200, AuditPage);
    const actions = new Set(audit.entries.map((entry: AuditEntry) => entry.action));
    for (const action of ['api_key.create', 'credential.create', 'credential.test', 'variable.create', 'auth.sign_in']) expect(actions).toContain(action);
  });
});
