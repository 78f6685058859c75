import { z } from 'zod';
import { defineNode, FieldPath } from '../../sdk/index.ts';
import { words } from './words.en.ts';

export const Params = z
  .object({
    inputs: z.array(FieldPath).max(100).default([]).describe('The fields each item it is called with should have (shown to whoever calls it; a call without them fails).'),
  })
  .strict();
export type Params = z.infer<typeof Params>;

/** Starts a workflow that others call as a step (logic.subflow), with the items they give it. */
export const definition = defineNode({
  type: 'trigger.subflow',
  version: 1,
  label: words.label,
  description: words.description,
  icon: 'login',
  category: 'trigger',
  inputs: [],
  outputs: ['main'],
  params: Params,
  mode: 'allItems',
  sideEffects: false,
  trigger: { kind: 'subflow' },
});
