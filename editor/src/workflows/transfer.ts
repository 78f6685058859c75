/** Workflows as files: export downloads the server's export document; import reads one back. */
import type { WorkflowGraph } from '@junction/nodes';
import { ApiError } from '../api/client.ts';
import { EXPORT_FORMAT } from '../api/types.ts';
import { i18n } from '../i18n/index.ts';
import { plainIssue } from '../i18n/problems.ts';

export function downloadJson(fileName: string, value: unknown): void {
  const blob = new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName.replace(/[\\/:*?"<>|]+/g, '_');
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The line a JSON.parse error is at: the engine says `(line 3 column 5)`, or `at position 45`, or that the text ended. */
function lineOf(text: string, parserMessage: string): number | undefined {
  const line = /\bline (\d+)/.exec(parserMessage);
  if (line) return Number(line[1]);
  const position = /\bposition (\d+)/.exec(parserMessage);
  const at = position ? Number(position[1]) : /end of (JSON )?input/i.test(parserMessage) ? text.length : undefined;
  return at === undefined ? undefined : text.slice(0, at).split('\n').length;
}

/**
 * The parsed export document of an import file. A file that is not JSON, or JSON that is not
 * an export, is refused here in plain words; the server checks the rest.
 */
export async function readImportFile(file: File): Promise<unknown> {
  const text = await file.text();
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const line = lineOf(text, (error as Error).message);
    throw new Error(line === undefined ? i18n.t('workflows.notJson') : i18n.t('workflows.notJsonAt', { line }), { cause: error });
  }
  if (typeof document !== 'object' || document === null || (document as { format?: unknown }).format !== EXPORT_FORMAT) {
    throw new Error(i18n.t('workflows.notExport'));
  }
  return document;
}

/**
 * The server's refusal of an import file, about the file: the person typed nothing, so
 * "something entered here" and "the request body" would mislead, and a graph's problems are
 * told by node and field as a refused save's are. Other errors are kept. The graph's words
 * come with the node catalogue, which only the canvas loads up front: fetched here on need.
 */
export async function importProblem(error: unknown, document: unknown): Promise<unknown> {
  if (!(error instanceof ApiError) || error.issues.length === 0) return error;
  const graph = (document as { graph?: Partial<WorkflowGraph> } | null)?.graph;
  let problem: string;
  if (error.code === 'invalid_request') {
    const { path, message } = error.issues[0]!;
    // `format` and `formatVersion` have sentences of their own; elsewhere the path says where in the file.
    problem = path === 'format' || path === 'formatVersion' ? plainIssue(message.slice(`${path}: `.length)) : plainIssue(message);
  } else if (Array.isArray(graph?.nodes) && Array.isArray(graph.edges)) {
    const { savedProblems } = await import('../inspector/validation.ts');
    problem = savedProblems(graph as WorkflowGraph, error.issues);
  } else {
    return error;
  }
  return new Error(i18n.t('workflows.fileInvalid', { problem }), { cause: error });
}
