/**
 * What a run's steps get from the sandbox: the run's scope (its `$run`, `$workflow`,
 * `$vars`, time zone, limits, the outputs `$node("...")` reads), the expression
 * evaluator for params.ts, and the `SandboxAccess` a node's run receives. Errors come
 * back as step errors naming the node, and for limits which limit was hit.
 */
import { NodeError, NonRetriableError, type GraphNode, type Item, type SandboxAccess, type WorkflowGraph, zoneOf } from '@junction/nodes';
import { failureError, SandboxFailure, type GuestError, type LogLine, type RunScope, type Sandbox } from '../sandbox/index.ts';
import { limitsFor, type SandboxAdminLimits } from '../sandbox/limits.ts';
import type { ParamsScope } from './params.ts';

export interface SandboxRuntime {
  sandbox: Sandbox;
  limits: SandboxAdminLimits;
  /**
   * `$vars`: the instance's variables, at `revision` or later (the worker keeps them while
   * no change is newer); without a revision, read now.
   */
  variables(revision?: number): Promise<Record<string, string>>;
}

export interface RunFacts {
  id: string;
  createdAt: Date;
  workflowId: string;
  workflowName: string;
  versionId: string;
  versionNumber: number;
  graph: WorkflowGraph;
  /** The resume URLs of the run's steps that can wait, by node name. */
  resumeUrls?: Record<string, string>;
  /** The variables' revision when the run was loaded: every change committed before is in its `$vars`. */
  variablesRevision?: number;
}

/**
 * @param nodes what `$node("Name")` reads: the outputs of the run's steps and their lineage
 * @param signal the run's: its sandbox calls stop when it is cancelled, times out or shuts down
 */
export function runScope(rt: SandboxRuntime, facts: RunFacts, nodes: Pick<RunScope, 'outputOf' | 'pairedOf'>, signal?: AbortSignal): RunScope {
  let info: ReturnType<RunScope['info']> | null = null;
  return {
    runId: facts.id,
    limits: limitsFor(facts.graph.settings, rt.limits),
    outputOf: nodes.outputOf,
    pairedOf: nodes.pairedOf,
    signal,
    info: () =>
      (info ??= rt.variables(facts.variablesRevision).then((vars) => ({
        run: { id: facts.id, startedAt: facts.createdAt.toISOString(), resumeUrls: facts.resumeUrls ?? {} },
        workflow: { id: facts.workflowId, name: facts.workflowName, version: facts.versionNumber },
        timezone: zoneOf(facts.graph.settings.timezone),
        vars,
      }))),
  };
}

export function paramsScope(rt: SandboxRuntime, scope: RunScope, versionId: string, nodeId: string): ParamsScope {
  return { key: `${versionId}:${nodeId}`, evaluate: (batch) => rt.sandbox.expressions(scope, { ...batch, step: nodeId }) };
}

function codeError(node: Pick<GraphNode, 'name'>, error: GuestError, itemCount: number): NonRetriableError {
  const where = [`Code in "${node.name}"`];
  if (error.line !== undefined) where.push(`line ${error.line}, column ${error.column}`);
  if (error.item !== undefined && itemCount > 1) where.push(`item ${error.item + 1}`); // counted from 1; details.item stays an index
  const what = error.serialize ? `returned something that is not JSON data: ${error.message}` : `${error.name}: ${error.message}`;
  return new NonRetriableError(`${where.join(', ')}: ${what}`, {
    details: {
      ...(error.line !== undefined ? { line: error.line, column: error.column } : {}),
      ...(error.item !== undefined ? { item: error.item } : {}),
    },
  });
}

/** @param lines how many lines the code has: a position past them is the wrapper's, so the code's end. */
function syntaxError(node: Pick<GraphNode, 'name'>, failure: SandboxFailure, lines: number): NonRetriableError {
  const at = /\s*\[code\.js:(\d+):(\d+)\]$/.exec(failure.message);
  const message = at ? failure.message.slice(0, at.index) : failure.message;
  if (at && Number(at[1]) > lines) {
    return new NonRetriableError(
      `Code in "${node.name}" has a syntax error at its end: ${message} (a bracket or brace closed that was never opened, or one left open)`,
      { details: { line: lines } },
    );
  }
  return new NonRetriableError(`Code in "${node.name}"${at ? `, line ${at[1]}, column ${at[2]}` : ''} has a syntax error: ${message}`, {
    details: at ? { line: Number(at[1]), column: Number(at[2]) } : undefined,
  });
}

/** The sandbox as one step's node sees it; its console output goes into `logs`. */
export function stepSandbox(rt: SandboxRuntime, scope: RunScope, node: Pick<GraphNode, 'id' | 'name'>, versionId: string, logs: LogLine[]): SandboxAccess {
  const rethrow = (error: unknown, what: string, setting: string, code = ''): never => {
    if (error instanceof SandboxFailure) {
      if (error.failure.kind === 'syntax') throw syntaxError(node, error, code.split('\n').length);
      throw failureError(what, error.failure, setting);
    }
    if (error instanceof NodeError) throw error;
    throw new NodeError(`${what} could not run in the sandbox: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  };
  return {
    async runCode({ code, mode, items }): Promise<Item[]> {
      let outcome;
      try {
        outcome = await rt.sandbox.code(scope, { key: `${versionId}:${node.id}`, step: node.id, code, mode, items });
      } catch (error) {
        return rethrow(error, `Code in "${node.name}"`, 'codeTimeoutMs', code);
      }
      logs.push(...outcome.logs);
      if (!outcome.ok) throw codeError(node, outcome.error, items.length);
      return outcome.items;
    },
    async testRegex(pattern, flags, subject) {
      try {
        return await rt.sandbox.regex(scope, pattern, flags, subject);
      } catch (error) {
        return rethrow(error, `The regular expression of "${node.name}"`, 'expressionTimeoutMs');
      }
    },
  };
}
