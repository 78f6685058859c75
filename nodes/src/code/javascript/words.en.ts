import type { NodeWords } from '../../sdk/words.ts';

export const words = {
  label: 'Code',
  description: 'Runs your JavaScript on the items, in the sandbox.',
  params: {
    mode: { label: 'Run the code', help: 'Once with every item ($input.all(), returns a list), or once per item ($json, returns that item, a list, or nothing to drop it).' },
    code: {
      label: 'JavaScript',
      help: 'await works. Available: $input, $json, $node("Name"), $run, $workflow, $vars, $now, $today, DateTime, and console.log (kept with the step in run history). No network, files or timers.',
    },
  },
  options: { mode: { allItems: 'Once with all items', perItem: 'Once per item' } },
  messages: {
    writeCode: 'Write some JavaScript',
    codeTooLong: 'The code is at most 100,000 characters',
  },
} as const satisfies NodeWords;
