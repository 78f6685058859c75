import { z } from 'zod';
import { defineNode, isTimeZone, nodeMessages, ScheduleRule, scheduleProblem } from '../../sdk/index.ts';
import { words } from './words.en.ts';

const say = nodeMessages('trigger.schedule', words.messages);

/** What a timed trigger does when its previous run is still going, and with firings missed while Junction was down. */
export const TimedRunPolicy = {
  overlap: z
    .enum(['skip', 'queue', 'allow'])
    .default('skip')
    .describe('When the previous run of the workflow is still going: skip this firing, start it once that run has finished, or start it anyway.'),
  missed: z
    .enum(['latest', 'none', 'all'])
    .default('latest')
    .describe('Firings missed while Junction was stopped: run the latest one, none of them, or each of them (up to the limit below).'),
  catchUpLimit: z.number().int().min(1).max(100).default(10).describe('With "each of them": the most missed firings run, the latest ones.'),
};

/** The params: the form, the check on save and the type `run` gets, in one schema. */
export const Params = z
  .object({
    rule: ScheduleRule.default({ every: 'minutes', interval: 15 }).describe('When the workflow runs.'),
    timezone: z
      .string()
      .trim()
      .max(64)
      .refine((zone) => zone === '' || isTimeZone(zone), say.check('timezone'))
      .default('')
      .describe("An IANA time zone such as Asia/Taipei; empty: the workflow's time zone."),
    ...TimedRunPolicy,
  })
  .strict()
  .superRefine((params, ctx) => {
    const problem = scheduleProblem(params.rule, params.timezone || 'UTC');
    if (problem) ctx.addIssue({ ...say.issue('schedule', { problem }), path: ['rule'] });
  });
export type Params = z.infer<typeof Params>;

export const definition = defineNode({
  type: 'trigger.schedule',
  version: 1,
  label: words.label,
  description: words.description,
  icon: 'clock',
  category: 'trigger',
  inputs: [],
  outputs: ['main'],
  params: Params,
  mode: 'allItems',
  sideEffects: false,
  trigger: { kind: 'schedule' },
});
