import { z } from 'zod';
import { defineNode, nodeMessages } from '../../sdk/index.ts';
import { words } from './words.en.ts';

const say = nodeMessages('logic.wait', words.messages);

export const UNITS = ['seconds', 'minutes', 'hours', 'days'] as const;
export const UNIT_MS: Record<(typeof UNITS)[number], number> = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
/** The longest a step may wait: a year. */
export const MAX_WAIT_MS = 366 * UNIT_MS.days;

const Unit = z.enum(UNITS).default('minutes').describe('Seconds, minutes, hours or days.');
const Amount = z.number().positive(say.check('positive')).max(100_000).describe('How many of the unit.');
const Expiry = {
  expiresIn: z.number().min(0).max(366 * 24).default(7).describe('How long the link stays open (0: until the run is cancelled).'),
  expiresUnit: z.enum(['hours', 'days']).default('days').describe('Hours or days.'),
};

const FormField = z
  .object({
    name: z.string().trim().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, say.check('fieldName')).describe('The field in the output, e.g. "quantity".'),
    label: z.string().trim().min(1).max(200).describe('What the form shows beside it.'),
    type: z.enum(['text', 'textarea', 'number', 'date', 'choice']).default('text').describe('What is entered.'),
    required: z.boolean().default(true).describe('The form cannot be sent without it.'),
    choices: z.array(z.string().trim().min(1).max(200)).max(50).default([]).describe('For a choice: the options.'),
  })
  .strict();

export const WaitFor = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('duration'), amount: Amount, unit: Unit }).strict(),
  z
    .object({
      mode: z.literal('until'),
      time: z.string().trim().min(1, say.check('timeMissing')).describe('A date and time, e.g. 2026-12-24T09:00 (the workflow\'s time zone) or {{ $json.deliveredAt }}.'),
    })
    .strict(),
  z
    .object({
      mode: z.literal('approval'),
      message: z.string().trim().min(1).max(4000).describe('What is to be approved, shown on the approval page, e.g. "Purchase order {{ $json.poNumber }} for {{ $json.total }} TWD".'),
      ...Expiry,
      onExpiry: z.enum(['reject', 'approve', 'fail']).default('reject').describe('What an approval nobody gave in time counts as.'),
    })
    .strict(),
  z
    .object({
      mode: z.literal('form'),
      message: z.string().trim().min(1).max(4000).describe('Shown above the form: what to fill in and why.'),
      fields: z.array(FormField).min(1, say.check('oneField')).max(30).describe('The form\'s fields.'),
      ...Expiry,
      onExpiry: z.enum(['continue', 'fail']).default('fail').describe('Go on without the form, or fail the run, when nobody sent it in time.'),
    })
    .strict(),
  z
    .object({
      mode: z.literal('callback'),
      ...Expiry,
      onExpiry: z.enum(['continue', 'fail']).default('fail').describe('Go on without the call, or fail the run, when nobody called in time.'),
    })
    .strict(),
]);
export type WaitFor = z.infer<typeof WaitFor>;

/** The params: the form, the check on save and the type `run` gets, in one schema. */
export const Params = z
  .object({
    waitFor: WaitFor.default({ mode: 'duration', amount: 5, unit: 'minutes' }).describe('What the run waits for before it goes on.'),
  })
  .strict();
export type Params = z.infer<typeof Params>;

export const definition = defineNode({
  type: 'logic.wait',
  version: 1,
  label: words.label,
  description: words.description,
  icon: 'hourglass',
  category: 'logic',
  inputs: ['main'],
  // An approval that is rejected (or counts as rejected when it expires) goes on through "rejected".
  outputs: ['main', 'rejected'],
  params: Params,
  mode: 'allItems',
  sideEffects: false,
  waits: true,
});
