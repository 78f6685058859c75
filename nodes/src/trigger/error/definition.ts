import { z } from 'zod';
import { defineNode } from '../../sdk/index.ts';
import { words } from './words.en.ts';

export const Params = z.object({}).strict();
export type Params = z.infer<typeof Params>;

/**
 * Starts an error workflow: a workflow whose settings name this one as their error
 * workflow starts a run of it each time one of their runs fails.
 */
export const definition = defineNode({
  type: 'trigger.error',
  version: 1,
  label: words.label,
  description: words.description,
  icon: 'alert',
  category: 'trigger',
  inputs: [],
  outputs: ['main'],
  params: Params,
  mode: 'allItems',
  sideEffects: false,
  trigger: { kind: 'error' },
});
