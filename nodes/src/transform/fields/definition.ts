import { z } from 'zod';
import { defineNode, FieldPath } from '../../sdk/index.ts';
import { words } from './words.en.ts';

export const Operation = z.discriminatedUnion('op', [
  z
    .object({
      op: z.literal('set'),
      field: FieldPath.describe('Field to set; use dots for nested fields, e.g. "customer.tier".'),
      value: z.unknown().describe('The value: text, number, true/false, a list or an object.'),
    })
    .strict(),
  z
    .object({
      op: z.literal('rename'),
      from: FieldPath.describe('Field to rename.'),
      to: FieldPath.describe('Its new name.'),
    })
    .strict(),
  z.object({ op: z.literal('remove'), field: FieldPath.describe('Field to remove.') }).strict(),
]);
export type Operation = z.infer<typeof Operation>;

export const Params = z
  .object({
    operations: z.array(Operation).max(500).default([]).describe('Changes applied to each item, in order.'),
    keepOnlySet: z
      .boolean()
      .default(false)
      .describe('Drop every field that is not set or renamed by an operation above.'),
  })
  .strict();
export type Params = z.infer<typeof Params>;

export const definition = defineNode({
  type: 'transform.fields',
  version: 1,
  label: words.label,
  description: words.description,
  icon: 'pencil',
  category: 'transform',
  inputs: ['main'],
  outputs: ['main'],
  params: Params,
  mode: 'perItem',
  sideEffects: false,
});
