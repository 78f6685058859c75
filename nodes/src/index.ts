/**
 * The browser-safe catalogue: every node type's definition, and the workflow graph
 * schema. Nothing here may import a `run.ts`.
 */
import type { NodeDefinition } from './sdk/index.ts';
import { definition as manualTrigger } from './trigger/manual/definition.ts';
import { definition as webhookTrigger } from './trigger/webhook/definition.ts';
import { definition as fields } from './transform/fields/definition.ts';
import { definition as ifNode } from './logic/if/definition.ts';
import { definition as noop } from './logic/noop/definition.ts';
import { definition as http } from './connector/http/definition.ts';
import { definition as code } from './code/javascript/definition.ts';

export const definitions: readonly NodeDefinition[] = [manualTrigger, webhookTrigger, fields, ifNode, noop, http, code];

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
