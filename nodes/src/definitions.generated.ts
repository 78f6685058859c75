// Generated from the node folders (nodes/src/<category>/<name>/) by `npm run nodes:index`;
// do not edit. nodes/src/catalogue/generate.test.ts fails when it is out of date.
import type { NodeDefinition } from './sdk/types.ts';
import { definition as codeJavascript } from './code/javascript/definition.ts';
import { definition as connectorEmail } from './connector/email/definition.ts';
import { definition as connectorHttp } from './connector/http/definition.ts';
import { definition as connectorMysql } from './connector/mysql/definition.ts';
import { definition as connectorPostgres } from './connector/postgres/definition.ts';
import { definition as logicIf } from './logic/if/definition.ts';
import { definition as logicNoop } from './logic/noop/definition.ts';
import { definition as logicSubflow } from './logic/subflow/definition.ts';
import { definition as logicWait } from './logic/wait/definition.ts';
import { definition as transformDedupe } from './transform/dedupe/definition.ts';
import { definition as transformFields } from './transform/fields/definition.ts';
import { definition as triggerError } from './trigger/error/definition.ts';
import { definition as triggerManual } from './trigger/manual/definition.ts';
import { definition as triggerPoll } from './trigger/poll/definition.ts';
import { definition as triggerSchedule } from './trigger/schedule/definition.ts';
import { definition as triggerSubflow } from './trigger/subflow/definition.ts';
import { definition as triggerWebhook } from './trigger/webhook/definition.ts';

/** Every node type's definition, by type id. */
export const definitions: readonly NodeDefinition[] = [
  codeJavascript,
  connectorEmail,
  connectorHttp,
  connectorMysql,
  connectorPostgres,
  logicIf,
  logicNoop,
  logicSubflow,
  logicWait,
  transformDedupe,
  transformFields,
  triggerError,
  triggerManual,
  triggerPoll,
  triggerSchedule,
  triggerSubflow,
  triggerWebhook,
];
