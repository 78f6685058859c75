import type { NodeWords } from '../../sdk/words.ts';

export const words = {
  label: 'Manual trigger',
  description: 'Starts the workflow when you click “Run” or call the run API, with the sample data you give.',
} as const satisfies NodeWords;
