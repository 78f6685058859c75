import { z } from 'zod';
import { CredentialRef, HTTP_CREDENTIAL_TYPES } from '../../credentials/types.ts';
import { defineNode, FieldPath, isTimeZone, nodeMessages, ScheduleRule, scheduleProblem } from '../../sdk/index.ts';
import { words } from './words.en.ts';

const say = nodeMessages('trigger.poll', words.messages);

export const Source = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('sql'),
      sql: z.string().trim().min(1, say.check('sqlMissing')).max(100_000).meta({ contentMediaType: 'text/x-sql' }).describe('A query whose rows are looked at each time, e.g. select sku, on_hand, reorder_point from inventory where on_hand < reorder_point.'),
      values: z.array(z.unknown()).max(100).default([]).describe('Values for the placeholders $1, $2 … (PostgreSQL) or ? (MySQL), in order; always bound, never written into the SQL.'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('http'),
      url: z.string().trim().url(say.check('url')).describe('The address to ask, e.g. https://erp.example/api/stock?below=reorder.'),
      itemsPath: z.string().trim().max(200).default('').describe('Where the list is in the JSON answer, with dots (e.g. "data.items"); empty: the answer is the list.'),
      headers: z.array(z.object({ name: z.string().trim().min(1).max(200), value: z.string().max(8192) }).strict()).max(50).default([]).describe('Request headers.'),
    })
    .strict(),
]);
export type Source = z.infer<typeof Source>;

export const Emit = z.discriminatedUnion('what', [
  z
    .object({
      what: z.literal('new'),
      by: z.enum(['key', 'watermark']).default('key').describe('Remember every key seen (new rows are those with a key not seen before), or only the highest value of a column that grows (an id, updated_at: new rows are above it).'),
      field: FieldPath.describe('The key or the growing column, e.g. "id".'),
    })
    .strict(),
  z.object({ what: z.literal('changed'), field: FieldPath.describe('The key of a row, e.g. "sku": a row is new when its key was not seen, changed when its content differs.') }).strict(),
  z.object({ what: z.literal('episodes'), field: FieldPath.describe('The key of a row, e.g. "sku": it fires once when the key starts matching, and again only after it stopped and matches again.') }).strict(),
]);
export type Emit = z.infer<typeof Emit>;

/** The params: the form, the check on save and the type `run` gets, in one schema. */
export const Params = z
  .object({
    rule: ScheduleRule.default({ every: 'minutes', interval: 15 }).describe('How often to look.'),
    timezone: z
      .string()
      .trim()
      .max(64)
      .refine((zone) => zone === '' || isTimeZone(zone), say.check('timezone'))
      .default('')
      .describe("An IANA time zone such as Asia/Taipei; empty: the workflow's time zone."),
    credential: CredentialRef.optional().describe('The database (PostgreSQL, MySQL) or the HTTP credential to look with.'),
    source: Source.default({ kind: 'sql', sql: 'select 1', values: [] }).describe('Where to look.'),
    emit: Emit.default({ what: 'episodes', field: 'id' }).describe('What counts as something to start a run for.'),
    firstPoll: z.enum(['fromNow', 'emitNow']).default('fromNow').describe('When switched on: only what appears from now on, or also what is there already.'),
    runPer: z.enum(['poll', 'item']).default('poll').describe('One run with everything new, or one run for each new row.'),
    timeoutSeconds: z.number().int().min(1).max(600).default(30).describe('How long one look may take.'),
  })
  .strict()
  .superRefine((params, ctx) => {
    const problem = scheduleProblem(params.rule, params.timezone || 'UTC');
    if (problem) ctx.addIssue({ ...say.issue('schedule', { problem }), path: ['rule'] });
    if (params.source.kind === 'sql' && !params.credential) ctx.addIssue({ ...say.issue('credentialNeeded'), path: ['credential'] });
  });
export type Params = z.infer<typeof Params>;

export const definition = defineNode({
  type: 'trigger.poll',
  version: 1,
  label: words.label,
  description: words.description,
  icon: 'refresh',
  category: 'trigger',
  inputs: [],
  outputs: ['main'],
  params: Params,
  mode: 'allItems',
  sideEffects: false,
  // The SQL is sent as written, its values bound: never an expression.
  literalParams: ['source.sql'],
  trigger: { kind: 'poll' },
  credentials: [{ param: 'credential', types: ['postgres', 'mysql', ...HTTP_CREDENTIAL_TYPES] }],
});
