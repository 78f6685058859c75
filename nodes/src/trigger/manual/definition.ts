import { z } from 'zod';
import { defineNode } from '../../sdk/index.ts';

export const Params = z.object({}).strict();
export type Params = z.infer<typeof Params>;

export const definition = defineNode({
  type: 'trigger.manual',
  version: 1,
  label: 'Manual trigger',
  description: 'Starts the workflow when you click "Run" or call the run API, with the sample data you give.',
  icon: 'play',
  category: 'trigger',
  inputs: [],
  outputs: ['main'],
  params: Params,
  mode: 'allItems',
  sideEffects: false,
  trigger: { kind: 'manual' },
});
