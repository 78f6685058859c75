/**
 * Contexts for calling a node type's `run` directly in its tests: params parsed through
 * the definition's schema (so defaults apply), a fresh abort signal, a silent logger.
 */
import type { z } from 'zod';
import type { CredentialValue } from '../credentials/types.ts';
import type { AllItemsContext, BaseContext, Item, ItemContext, NodeDefinition } from './types.ts';

export interface TestContextOptions {
  signal?: AbortSignal;
  idempotencyKey?: string;
  nodeName?: string;
  credentials?: Record<string, CredentialValue>;
  /** Receives what the node asks to redact. */
  redacted?: string[];
  /** `allItems`: each item's params, as its expressions would fill them in (default: `params` for every item). */
  itemParams?: unknown[];
}

function baseContext<P extends z.ZodType>(definition: NodeDefinition<P>, params: unknown, options: TestContextOptions): BaseContext<z.infer<P>> {
  const nodeId = definition.type.split('.')[1]!;
  return {
    params: definition.params.parse(params),
    node: { id: nodeId, name: options.nodeName ?? definition.label, type: definition.type },
    run: { id: 'run-1', workflowId: 'wf-1' },
    attempt: 1,
    idempotencyKey: options.idempotencyKey ?? `run-1:${nodeId}`,
    signal: options.signal ?? new AbortController().signal,
    log: { info() {}, warn() {}, error() {} },
    credentials: options.credentials ?? {},
    redact: (secret) => void options.redacted?.push(secret),
  };
}

export function itemContext<P extends z.ZodType>(
  definition: NodeDefinition<P>,
  params: unknown,
  item: Item,
  options: TestContextOptions = {},
): ItemContext<z.infer<P>> {
  return { ...baseContext(definition, params, options), item, itemIndex: 0 };
}

export function allItemsContext<P extends z.ZodType>(
  definition: NodeDefinition<P>,
  params: unknown,
  items: Item[],
  options: TestContextOptions = {},
): AllItemsContext<z.infer<P>> {
  const base = baseContext(definition, params, options);
  const itemParams = async () => items.map((_, i) => (options.itemParams ? definition.params.parse(options.itemParams[i]) : base.params));
  return { ...base, items, itemParams };
}
