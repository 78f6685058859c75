/**
 * Contexts for calling a node type's `run` directly in its tests: params parsed through
 * the definition's schema (so defaults apply), a fresh abort signal, a silent logger.
 */
import type { z } from 'zod';
import { CREDENTIAL_TYPES, type CredentialValue } from '../credentials/types.ts';
import { Redactor } from './redact.ts';
import type { AllItemsContext, BaseContext, Item, ItemContext, NodeDefinition } from './types.ts';

export interface TestContextOptions {
  signal?: AbortSignal;
  idempotencyKey?: string;
  nodeName?: string;
  credentials?: Record<string, CredentialValue>;
  /** Receives what the node asks to redact. */
  redacted?: string[];
  /** The workflow's time zone (default UTC). */
  timezone?: string;
  /** For a step that waited: why it wakes. */
  resumed?: AllItemsContext<unknown>['resumed'];
  now?: Date;
  /** As a node with `onError: "continue"`. */
  continueOnError?: boolean;
  /** `allItems`: each item's params, as its expressions would fill them in (default: `params` for every item). */
  itemParams?: unknown[];
}

/** As the runtime scrubs a step: its credentials' secret fields, and what it asks to redact. */
function stepRedactor(options: TestContextOptions): Redactor {
  const redactor = new Redactor();
  for (const credential of Object.values(options.credentials ?? {})) {
    for (const field of CREDENTIAL_TYPES[credential.type].secretFields) {
      const value = (credential.data as Record<string, unknown>)[field];
      if (typeof value === 'string') redactor.add(value);
    }
  }
  return redactor;
}

function baseContext<P extends z.ZodType>(definition: NodeDefinition<P>, params: unknown, options: TestContextOptions): BaseContext<z.infer<P>> {
  const nodeId = definition.type.split('.')[1]!;
  const redactor = stepRedactor(options);
  return {
    params: definition.params.parse(params),
    node: { id: nodeId, name: options.nodeName ?? definition.label, type: definition.type },
    run: { id: 'run-1', workflowId: 'wf-1' },
    timezone: options.timezone ?? 'UTC',
    attempt: 1,
    idempotencyKey: options.idempotencyKey ?? `run-1:${nodeId}`,
    signal: options.signal ?? new AbortController().signal,
    continueOnError: options.continueOnError ?? false,
    log: { info() {}, warn() {}, error() {} },
    credentials: options.credentials ?? {},
    redact: (secret) => {
      redactor.add(secret);
      options.redacted?.push(secret);
    },
    scrub: (text: string, maxChars?: number) => redactor.text(text, maxChars),
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

/**
 * `params` may be a function of the item (what its expressions would give for it): each
 * item's params go through the schema, as the runtime does, and `ctx.itemParams()` gives them.
 */
export function allItemsContext<P extends z.ZodType>(
  definition: NodeDefinition<P>,
  params: unknown,
  items: Item[],
  options: TestContextOptions = {},
): AllItemsContext<z.infer<P>> {
  const waiting = { resumed: options.resumed, resumeUrl: 'http://junction.test/api/resume/token' };
  if (typeof params === 'function') {
    const paramsOf = params as (item: Item, index: number) => unknown;
    const perItem = items.map((item, index) => definition.params.parse(paramsOf(item, index)) as z.infer<P>);
    return { ...baseContext(definition, paramsOf(items[0] ?? { json: {} }, 0), options), items, itemParams: async () => perItem, ...waiting };
  }
  const base = baseContext(definition, params, options);
  const itemParams = async () => items.map((_, i) => (options.itemParams ? definition.params.parse(options.itemParams[i]) : base.params));
  return { ...base, items, itemParams, ...waiting };
}
