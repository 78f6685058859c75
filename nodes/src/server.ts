/**
 * The server catalogue: each node type's definition paired with its `run`. A test checks
 * that it lists exactly the types of the browser-safe catalogue in `index.ts`.
 */
import { serverNode, type ServerNode } from './sdk/index.ts';
import * as manualTrigger from './trigger/manual/definition.ts';
import { run as runManualTrigger } from './trigger/manual/run.ts';
import * as webhookTrigger from './trigger/webhook/definition.ts';
import { run as runWebhookTrigger } from './trigger/webhook/run.ts';
import * as fields from './transform/fields/definition.ts';
import { run as runFields } from './transform/fields/run.ts';
import * as ifNode from './logic/if/definition.ts';
import { run as runIf } from './logic/if/run.ts';
import * as noop from './logic/noop/definition.ts';
import { run as runNoop } from './logic/noop/run.ts';
import * as http from './connector/http/definition.ts';
import { run as runHttp } from './connector/http/run.ts';
import * as code from './code/javascript/definition.ts';
import { run as runCode } from './code/javascript/run.ts';

export const serverNodes: readonly ServerNode[] = [
  serverNode(manualTrigger.definition, runManualTrigger),
  serverNode(webhookTrigger.definition, runWebhookTrigger),
  serverNode(fields.definition, runFields),
  serverNode(ifNode.definition, runIf),
  serverNode(noop.definition, runNoop),
  serverNode(http.definition, runHttp),
  serverNode(code.definition, runCode),
];

export const serverCatalogue: ReadonlyMap<string, ServerNode> = new Map(serverNodes.map((node) => [node.definition.type, node]));

export * from './index.ts';
export { applyHttpCredential, forgetOAuth2Token, hostAllowed } from './credentials/http-auth.ts';
