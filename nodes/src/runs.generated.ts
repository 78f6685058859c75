// Generated from the node folders (nodes/src/<category>/<name>/) by `npm run nodes:index`;
// do not edit. nodes/src/catalogue/generate.test.ts fails when it is out of date.
import { serverNode, type ServerNode } from './sdk/define.ts';
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
import { run as codeJavascriptRun } from './code/javascript/run.ts';
import { run as connectorEmailRun } from './connector/email/run.ts';
import { run as connectorHttpRun } from './connector/http/run.ts';
import { run as connectorMysqlRun } from './connector/mysql/run.ts';
import { run as connectorPostgresRun } from './connector/postgres/run.ts';
import { run as logicIfRun } from './logic/if/run.ts';
import { run as logicNoopRun } from './logic/noop/run.ts';
import { run as logicSubflowRun } from './logic/subflow/run.ts';
import { run as logicWaitRun } from './logic/wait/run.ts';
import { run as transformDedupeRun } from './transform/dedupe/run.ts';
import { run as transformFieldsRun } from './transform/fields/run.ts';
import { run as triggerErrorRun } from './trigger/error/run.ts';
import { run as triggerManualRun } from './trigger/manual/run.ts';
import { run as triggerPollRun, poll as triggerPollPoll } from './trigger/poll/run.ts';
import { run as triggerScheduleRun } from './trigger/schedule/run.ts';
import { run as triggerSubflowRun } from './trigger/subflow/run.ts';
import { run as triggerWebhookRun } from './trigger/webhook/run.ts';

/** Every node type's definition paired with its run, by type id. */
export const serverNodes: readonly ServerNode[] = [
  serverNode(codeJavascript, codeJavascriptRun),
  serverNode(connectorEmail, connectorEmailRun),
  serverNode(connectorHttp, connectorHttpRun),
  serverNode(connectorMysql, connectorMysqlRun),
  serverNode(connectorPostgres, connectorPostgresRun),
  serverNode(logicIf, logicIfRun),
  serverNode(logicNoop, logicNoopRun),
  serverNode(logicSubflow, logicSubflowRun),
  serverNode(logicWait, logicWaitRun),
  serverNode(transformDedupe, transformDedupeRun),
  serverNode(transformFields, transformFieldsRun),
  serverNode(triggerError, triggerErrorRun),
  serverNode(triggerManual, triggerManualRun),
  serverNode(triggerPoll, triggerPollRun, { poll: triggerPollPoll }),
  serverNode(triggerSchedule, triggerScheduleRun),
  serverNode(triggerSubflow, triggerSubflowRun),
  serverNode(triggerWebhook, triggerWebhookRun),
];
