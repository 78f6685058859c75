/**
 * A graph's references to other workflows — its error workflow, the workflows its steps
 * run as sub-workflows — checked when it is saved: they exist, the person saving may see
 * them, they start where they must, and sub-workflow calls do not come back round to the
 * workflow being saved (a loop the runtime would only stop at its depth limit).
 */
import type { ValidationIssue, WorkflowGraph } from '@junction/nodes';
import { workflowAccess } from '../auth/access.ts';
import type { Principal } from '../auth/middleware.ts';
import type { Db } from '../db/client.ts';
import { getWorkflow } from '../db/queries/workflows.ts';

const hasTrigger = (graph: WorkflowGraph, type: string) => graph.nodes.some((node) => node.type === type);
const subflowTargets = (graph: WorkflowGraph) =>
  graph.nodes.flatMap((node, index) => (node.type === 'logic.subflow' && typeof node.params.workflowId === 'string' ? [{ index, node, target: node.params.workflowId }] : []));

/** How far a chain of sub-workflow calls is followed when looking for a loop. */
const MAX_CHAIN = 50;

export async function checkWorkflowReferences(db: Db, graph: WorkflowGraph, principal: Principal, workflowId?: string): Promise<ValidationIssue[]> {
  const issues: ValidationIssue[] = [];
  const visible = async (id: string) => {
    const workflow = await getWorkflow(db, id);
    return workflow && !workflow.deletedAt && (await workflowAccess(db, principal, workflow)) !== 'none' ? workflow : undefined;
  };

  const errorWorkflowId = graph.settings.errorWorkflowId;
  if (errorWorkflowId) {
    const target = await visible(errorWorkflowId);
    if (!target) issues.push({ code: 'invalid_value', path: 'settings.errorWorkflowId', message: `The error workflow ${errorWorkflowId} does not exist, or you may not see it` });
    else if (!hasTrigger(target.graph, 'trigger.error')) {
      issues.push({ code: 'invalid_value', path: 'settings.errorWorkflowId', message: `The error workflow "${target.name}" has no "When a workflow fails" trigger to start at` });
    }
  }

  for (const { index, node, target } of subflowTargets(graph)) {
    const path = `nodes[${index}].params.workflowId`;
    const workflow = await visible(target);
    if (!workflow) {
      issues.push({ code: 'invalid_params', path, message: `Node "${node.name}": the workflow ${target} does not exist, or you may not see it` });
      continue;
    }
    if (!hasTrigger(workflow.graph, 'trigger.subflow')) {
      issues.push({ code: 'invalid_params', path, message: `Node "${node.name}": "${workflow.name}" has no "When called by another workflow" trigger to start at` });
      continue;
    }
    if (!workflowId) continue;
    // Follow the calls onwards (each workflow's current version): coming back here is a loop.
    const seen = new Set<string>();
    const queue = [{ id: target, chain: [workflow.name] }];
    while (queue.length > 0 && seen.size < MAX_CHAIN) {
      const { id, chain } = queue.shift()!;
      if (id === workflowId) {
        issues.push({ code: 'invalid_params', path, message: `Node "${node.name}": calling "${workflow.name}" comes back to this workflow (${chain.join(' → ')} → this one), a loop` });
        break;
      }
      if (seen.has(id)) continue;
      seen.add(id);
      const next = id === target ? workflow : await getWorkflow(db, id);
      for (const call of next ? subflowTargets(next.graph) : []) queue.push({ id: call.target, chain: [...chain, (await getWorkflow(db, call.target))?.name ?? call.target] });
    }
  }
  return issues;
}
