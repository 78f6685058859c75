// Generated from the node folders (nodes/src/<category>/<name>/) by `npm run nodes:index`;
// do not edit. nodes/src/catalogue/generate.test.ts fails when it is out of date.
import type { NodeWords } from './sdk/words.ts';
import { words as codeJavascript_en } from './code/javascript/words.en.ts';
import { words as codeJavascript_zhTW } from './code/javascript/words.zh-TW.ts';
import { words as connectorEmail_en } from './connector/email/words.en.ts';
import { words as connectorEmail_zhTW } from './connector/email/words.zh-TW.ts';
import { words as connectorHttp_en } from './connector/http/words.en.ts';
import { words as connectorHttp_zhTW } from './connector/http/words.zh-TW.ts';
import { words as connectorMysql_en } from './connector/mysql/words.en.ts';
import { words as connectorMysql_zhTW } from './connector/mysql/words.zh-TW.ts';
import { words as connectorPostgres_en } from './connector/postgres/words.en.ts';
import { words as connectorPostgres_zhTW } from './connector/postgres/words.zh-TW.ts';
import { words as logicIf_en } from './logic/if/words.en.ts';
import { words as logicIf_zhTW } from './logic/if/words.zh-TW.ts';
import { words as logicNoop_en } from './logic/noop/words.en.ts';
import { words as logicNoop_zhTW } from './logic/noop/words.zh-TW.ts';
import { words as logicSubflow_en } from './logic/subflow/words.en.ts';
import { words as logicSubflow_zhTW } from './logic/subflow/words.zh-TW.ts';
import { words as logicWait_en } from './logic/wait/words.en.ts';
import { words as logicWait_zhTW } from './logic/wait/words.zh-TW.ts';
import { words as transformDedupe_en } from './transform/dedupe/words.en.ts';
import { words as transformDedupe_zhTW } from './transform/dedupe/words.zh-TW.ts';
import { words as transformFields_en } from './transform/fields/words.en.ts';
import { words as transformFields_zhTW } from './transform/fields/words.zh-TW.ts';
import { words as triggerError_en } from './trigger/error/words.en.ts';
import { words as triggerError_zhTW } from './trigger/error/words.zh-TW.ts';
import { words as triggerManual_en } from './trigger/manual/words.en.ts';
import { words as triggerManual_zhTW } from './trigger/manual/words.zh-TW.ts';
import { words as triggerPoll_en } from './trigger/poll/words.en.ts';
import { words as triggerPoll_zhTW } from './trigger/poll/words.zh-TW.ts';
import { words as triggerSchedule_en } from './trigger/schedule/words.en.ts';
import { words as triggerSchedule_zhTW } from './trigger/schedule/words.zh-TW.ts';
import { words as triggerSubflow_en } from './trigger/subflow/words.en.ts';
import { words as triggerSubflow_zhTW } from './trigger/subflow/words.zh-TW.ts';
import { words as triggerWebhook_en } from './trigger/webhook/words.en.ts';
import { words as triggerWebhook_zhTW } from './trigger/webhook/words.zh-TW.ts';

/** The languages node types have words in. */
export const NODE_LANGUAGES = ['en', 'zh-TW'] as const;

/** Every node type's words: by language, then by type id. */
export const nodeWords: Readonly<Record<string, Readonly<Record<string, NodeWords>>>> = {
  'en': {
    'code.javascript': codeJavascript_en,
    'connector.email': connectorEmail_en,
    'connector.http': connectorHttp_en,
    'connector.mysql': connectorMysql_en,
    'connector.postgres': connectorPostgres_en,
    'logic.if': logicIf_en,
    'logic.noop': logicNoop_en,
    'logic.subflow': logicSubflow_en,
    'logic.wait': logicWait_en,
    'transform.dedupe': transformDedupe_en,
    'transform.fields': transformFields_en,
    'trigger.error': triggerError_en,
    'trigger.manual': triggerManual_en,
    'trigger.poll': triggerPoll_en,
    'trigger.schedule': triggerSchedule_en,
    'trigger.subflow': triggerSubflow_en,
    'trigger.webhook': triggerWebhook_en,
  },
  'zh-TW': {
    'code.javascript': codeJavascript_zhTW,
    'connector.email': connectorEmail_zhTW,
    'connector.http': connectorHttp_zhTW,
    'connector.mysql': connectorMysql_zhTW,
    'connector.postgres': connectorPostgres_zhTW,
    'logic.if': logicIf_zhTW,
    'logic.noop': logicNoop_zhTW,
    'logic.subflow': logicSubflow_zhTW,
    'logic.wait': logicWait_zhTW,
    'transform.dedupe': transformDedupe_zhTW,
    'transform.fields': transformFields_zhTW,
    'trigger.error': triggerError_zhTW,
    'trigger.manual': triggerManual_zhTW,
    'trigger.poll': triggerPoll_zhTW,
    'trigger.schedule': triggerSchedule_zhTW,
    'trigger.subflow': triggerSubflow_zhTW,
    'trigger.webhook': triggerWebhook_zhTW,
  },
};
