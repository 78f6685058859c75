import { z } from 'zod';
import { defineNode } from '../../sdk/index.ts';

export const Params = z.object({}).strict();
export type Params = z.infer<typeof Params>;

export const definition = defineNode({
  type: 'logic.noop',
  version: 1,
  label: 'No operation',
  description: 'Passes its items on unchanged. Useful as a marker or a meeting point of branches.',
  icon: 'arrow-right',
  category: 'logic',
  inputs: ['main'],
  outputs: ['main'],
  params: Params,
  mode: 'allItems',
  sideEffects: false,
});
