import type { z } from 'zod';
import { withNodeName } from './errors.ts';
import { NO_RETRY, type AllItemsRun, type NodeDefinition, type PerItemRun, type PollRun, type RetryPolicy, type WaitingRun } from './types.ts';

type DefinitionInput<P extends z.ZodType> = Omit<NodeDefinition<P>, 'retry'> & { retry?: Partial<RetryPolicy> };

/**
 * Declares a node type. Browser-safe: put it in the node's `definition.ts`.
 *
 * @example
 * export const definition = defineNode({
 *   type: 'logic.noop', version: 1, label: 'No operation', description: '...',
 *   icon: 'arrow-right', category: 'logic', inputs: ['main'], outputs: ['main'],
 *   params: z.object({}), mode: 'allItems', sideEffects: false,
 * });
 */
export function defineNode<P extends z.ZodType, M extends NodeDefinition['mode']>(
  input: DefinitionInput<P> & { mode: M },
): NodeDefinition<P> & { mode: M } {
  if (!/^[a-z]+\.[a-zA-Z][a-zA-Z0-9]*$/.test(input.type)) {
    throw new Error(`node type id "${input.type}" must look like "category.name"`);
  }
  if (!input.type.startsWith(`${input.category}.`)) {
    throw new Error(`node type id "${input.type}" must start with its category "${input.category}."`);
  }
  return { ...input, retry: { ...NO_RETRY, ...input.retry } };
}

/** A node type as the server runs it: its definition plus its `run`. */
export type ServerNode =
  | { mode: 'perItem'; definition: NodeDefinition; run: PerItemRun<unknown> }
  | { mode: 'allItems'; definition: NodeDefinition; run: WaitingRun<unknown>; poll?: PollRun<unknown> };

/** Pairs a definition with its run function, checking at compile time that they agree. */
export function serverNode<P extends z.ZodType>(
  definition: NodeDefinition<P> & { mode: 'perItem' },
  run: PerItemRun<z.infer<P>>,
): ServerNode;
export function serverNode<P extends z.ZodType>(
  definition: NodeDefinition<P> & { mode: 'allItems' },
  run: AllItemsRun<z.infer<P>> | WaitingRun<z.infer<P>>,
  extras?: { poll?: PollRun<z.infer<P>> },
): ServerNode;
export function serverNode(definition: NodeDefinition, run: PerItemRun<unknown> | WaitingRun<unknown>, extras: { poll?: PollRun<never> } = {}): ServerNode {
  const named = async (ctx: Parameters<PerItemRun<unknown>>[0] & Parameters<AllItemsRun<unknown>>[0]) => {
    try {
      return await run(ctx);
    } catch (error) {
      throw withNodeName(error, ctx.node.name);
    }
  };
  return { mode: definition.mode, definition, run: named, ...(extras.poll ? { poll: extras.poll } : {}) } as ServerNode;
}
