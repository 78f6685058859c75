import type { NodeWords } from '../../sdk/words.ts';

export const words = {
  label: 'Edit fields',
  description: 'Sets, renames or removes fields of each item.',
  params: {
    operations: { label: 'Changes', help: 'Changes applied to each item, in order.' },
    op: { label: 'Change' },
    field: { label: 'Field', help: 'Use dots for nested fields, e.g. “customer.tier”.' },
    value: { label: 'Value', help: 'Text, a number, true/false, a list or an object.' },
    from: { label: 'Field to rename' },
    to: { label: 'New name' },
    keepOnlySet: { label: 'Keep only these fields', help: 'Drop every field that is not set or renamed above.' },
  },
  options: { op: { set: 'Set', rename: 'Rename', remove: 'Remove' } },
} as const satisfies NodeWords;
