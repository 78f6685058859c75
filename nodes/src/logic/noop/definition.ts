import { z } from 'zod';
import { defineNode } from '../../sdk/index.ts';
import { words } from './words.en.ts';

export const Params = z.object({}).strict();
export type Params = z.infer<typeof Params>;

export const definition = defineNode({
  type: 'logic.noop',
  version: 1,
  label: words.label,
  description: words.description,
  icon: 'arrow-right',
  category: 'logic',
  inputs: ['main'],
  outputs: ['main'],
  params: Params,
  mode: 'allItems',
  sideEffects: false,
});
