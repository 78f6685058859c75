import { z } from 'zod';
import { defineNode, nodeMessages } from '../../sdk/index.ts';
import { words } from './words.en.ts';

const say = nodeMessages('logic.if', words.messages);

export const OPERATORS = ['equals', 'notEquals', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists', 'notExists', 'matches'] as const;

export const Condition = z
  .object({
    left: z.unknown().describe('The value to test, usually a field of the item: {{ $json.total }}.'),
    op: z
      .enum(OPERATORS)
      .describe(
        'equals, not equals, greater than, at least, less than, at most, contains (text or list), exists, does not exist, matches a regular expression.',
      ),
    right: z.unknown().optional().describe('The value to compare with (not used by exists / does not exist).'),
    caseSensitive: z.boolean().default(true).describe('For text: whether upper and lower case must match.'),
  })
  .strict()
  .superRefine((condition, ctx) => {
    if (condition.op === 'matches' && typeof condition.right === 'string' && !condition.right.includes('{{')) {
      try {
        new RegExp(condition.right);
      } catch (error) {
        ctx.addIssue({ ...say.issue('notARegex', { reason: (error as Error).message }), path: ['right'] });
      }
    }
  });
export type Condition = z.infer<typeof Condition>;

export const Params = z
  .object({
    conditions: z.array(Condition).min(1, say.check('oneCondition')).max(100),
    combine: z.enum(['and', 'or']).default('and').describe('Whether all conditions (and) or any one (or) must hold.'),
  })
  .strict();
export type Params = z.infer<typeof Params>;

export const definition = defineNode({
  type: 'logic.if',
  version: 1,
  label: words.label,
  description: words.description,
  icon: 'split',
  category: 'logic',
  inputs: ['main'],
  outputs: ['true', 'false'],
  params: Params,
  mode: 'perItem',
  sideEffects: false,
});
