import type { NodeWords } from '../../sdk/words.ts';

export const words = {
  label: 'When called by another workflow',
  description: 'Starts this workflow when another calls it as a step (Run a sub-workflow), with the items it is given; its last step’s items go back to the caller.',
  params: {
    inputs: { label: 'Expected fields', help: 'The fields each item should have, e.g. “sku”; a call without them fails, saying which.' },
  },
  messages: {
    missing: 'Item {{item}} lacks the fields this workflow expects: {{fields}}',
  },
} as const satisfies NodeWords;
