import type { NodeWords } from '../../sdk/words.ts';

export const words = {
  label: 'If',
  description: 'Sends each item to “true” or “false” depending on conditions.',
  params: {
    conditions: { label: 'Conditions' },
    left: { label: 'Value', help: 'The value to test, usually a field of the item: {{ $json.total }}.' },
    op: { label: 'Comparison', help: 'How the value is compared; “matches the pattern” takes a regular expression.', choose: 'Choose a comparison' },
    right: { label: 'Compare with', help: 'Not used by “exists” and “does not exist”.' },
    caseSensitive: { label: 'Case sensitive', help: 'For text: whether upper and lower case must match.' },
    combine: { label: 'Combine', help: 'Whether all conditions or any one must hold.' },
  },
  options: {
    op: {
      equals: 'equals',
      notEquals: 'does not equal',
      gt: 'is greater than',
      gte: 'is at least',
      lt: 'is less than',
      lte: 'is at most',
      contains: 'contains',
      exists: 'exists',
      notExists: 'does not exist',
      matches: 'matches the pattern',
    },
    combine: { and: 'All must hold (and)', or: 'Any one is enough (or)' },
  },
  messages: {
    notARegex: 'Not a valid regular expression: {{reason}}',
    oneCondition: 'Add at least one condition',
  },
} as const satisfies NodeWords;
