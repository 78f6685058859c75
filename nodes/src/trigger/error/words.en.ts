import type { NodeWords } from '../../sdk/words.ts';

export const words = {
  label: 'When a workflow fails',
  description: 'Starts this workflow when a run of another workflow fails — one that names this one as its error workflow in its settings — with what failed, where and why.',
} as const satisfies NodeWords;
