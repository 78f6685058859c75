/**
 * The browser-safe catalogue: every node type's definition (assembled from the node
 * folders, see catalogue/generate.ts), and the workflow graph schema. Nothing here may
 * import a `run.ts`.
 */
import type { NodeDefinition } from './sdk/index.ts';
import { definitions } from './definitions.generated.ts';

export { definitions };

/** Looks up node type definitions by type id. */
export type Catalogue = ReadonlyMap<string, NodeDefinition>;

export function catalogueOf(list: readonly NodeDefinition[]): Catalogue {
  return new Map(list.map((definition) => [definition.type, definition]));
}

export const catalogue: Catalogue = catalogueOf(definitions);

export * from './sdk/index.ts';
export * from './workflow/index.ts';
export * from './credentials/types.ts';
export * from './contract/index.ts';
export { normalizeWebhookPath, SIGNATURE_STYLES, WEBHOOK_METHODS, WEBHOOK_AUTH_CREDENTIAL_TYPE } from './trigger/webhook/definition.ts';
export type { Params as WebhookParams } from './trigger/webhook/definition.ts';
