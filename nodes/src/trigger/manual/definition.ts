import { z } from 'zod';
import { defineNode } from '../../sdk/index.ts';
import { words } from './words.en.ts';

export const Params = z.object({}).strict();
export type Params = z.infer<typeof Params>;

export const definition = defineNode({
  type: 'trigger.manual',
  version: 1,
  label: words.label,
  description: words.description,
  icon: 'play',
  category: 'trigger',
  inputs: [],
  outputs: ['main'],
  params: Params,
  mode: 'allItems',
  sideEffects: false,
  trigger: { kind: 'manual' },
});
