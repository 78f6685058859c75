import type { NodeWords } from '../../sdk/words.ts';

export const words = {
  label: 'No operation',
  description: 'Passes its items on unchanged. Useful as a marker or a meeting point of branches.',
} as const satisfies NodeWords;
