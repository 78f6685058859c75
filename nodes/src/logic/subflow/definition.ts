import { z } from 'zod';
import { defineNode, nodeMessages } from '../../sdk/index.ts';
import { words } from './words.en.ts';

const say = nodeMessages('logic.subflow', words.messages);

/** The params: the form, the check on save and the type `run` gets, in one schema. */
export const Params = z
  .object({
    workflowId: z.uuid(say.check('chooseWorkflow')).describe('The workflow to run; it starts with a "When called by another workflow" trigger.'),
    waitForResult: z.boolean().default(true).describe('Wait for it to finish and go on with the items of its last step; or start it and go on at once.'),
    callPer: z.enum(['call', 'item']).default('call').describe('Run it once with all the items, or once for each item.'),
  })
  .strict();
export type Params = z.infer<typeof Params>;

export const definition = defineNode({
  type: 'logic.subflow',
  version: 1,
  label: words.label,
  description: words.description,
  icon: 'share',
  category: 'logic',
  inputs: ['main'],
  outputs: ['main'],
  params: Params,
  mode: 'allItems',
  // It starts runs: checkpointed before, so a crash does not start them twice (they are keyed by step anyway).
  sideEffects: true,
  waits: true,
});
