import type { NodeWords } from '../../sdk/words.ts';

export const words = {
  label: 'Remove duplicates',
  description: 'Lets each item through once: drops repeats within a run and items already seen in earlier runs (an order id that arrives twice), remembered across restarts.',
  params: {
    key: { label: 'Same when', help: 'What makes two items the same, e.g. {{ $json.orderId }} or {{ $json.channel }}:{{ $json.orderId }}.' },
    across: { label: 'Look for repeats' },
    rememberFor: { label: 'Remember for', help: '0: for ever.' },
    rememberUnit: { label: 'Unit' },
    maxEntries: { label: 'Remember at most', help: 'The most keys remembered; the oldest are forgotten first.' },
  },
  options: {
    across: { runs: 'In this run and earlier runs', run: 'Only within this run' },
    rememberUnit: { hours: 'Hours', days: 'Days' },
  },
  messages: {
    keyMissing: 'Say what makes two items the same',
    emptyKey: 'Item {{item}} has an empty key',
    noMemory: 'Remembering across runs needs Junction’s database',
  },
} as const satisfies NodeWords;
