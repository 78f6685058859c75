import { z } from 'zod';
import { defineNode, nodeMessages } from '../../sdk/index.ts';
import { words } from './words.en.ts';

const say = nodeMessages('transform.dedupe', words.messages);

export const UNIT_MS = { hours: 3_600_000, days: 86_400_000 } as const;

/** The params: the form, the check on save and the type `run` gets, in one schema. */
export const Params = z
  .object({
    key: z
      .string()
      .min(1, say.check('keyMissing'))
      .max(2000)
      .describe('What makes an item the same as another, usually an expression: {{ $json.orderId }}, or {{ $json.channel }}:{{ $json.orderId }}.'),
    across: z.enum(['runs', 'run']).default('runs').describe("Drop items seen in earlier runs of this workflow too, or only repeats within this run's items."),
    rememberFor: z.number().int().min(0).max(3650).default(30).describe('How long an item is remembered across runs (0: for ever).'),
    rememberUnit: z.enum(['hours', 'days']).default('days').describe('Hours or days.'),
    maxEntries: z.number().int().min(1).max(10_000_000).default(100_000).describe('The most keys remembered; the oldest are forgotten first.'),
  })
  .strict();
export type Params = z.infer<typeof Params>;

export const definition = defineNode({
  type: 'transform.dedupe',
  version: 1,
  label: words.label,
  description: words.description,
  icon: 'filter',
  category: 'transform',
  inputs: ['main'],
  // Items seen before go on through "duplicates", for whoever wants to know.
  outputs: ['main', 'duplicates'],
  params: Params,
  mode: 'allItems',
  sideEffects: false,
});
