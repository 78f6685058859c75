/** Instance-wide variables (`$vars.NAME`) and expression previews, as the API answers them. */
import { z } from 'zod';
import { Timestamp } from './workflows.ts';

export const Variable = z
  .object({ key: z.string(), value: z.string(), createdAt: Timestamp, updatedAt: Timestamp })
  .meta({ id: 'Variable', example: { key: 'ERP_BASE_URL', value: 'https://erp.example.com/api', createdAt: '2026-11-25T10:00:00.000Z', updatedAt: '2026-11-25T10:00:00.000Z' } });
export type Variable = z.infer<typeof Variable>;

export const VariableList = z.object({ variables: z.array(Variable) });

/** What an expression gives for an item (the editor's live preview of a field). */
export const ExpressionPreview = z
  .object({
    value: z.unknown().optional().meta({ description: 'The value; absent when the expression gives nothing (a missing field), and then `defined` is false' }),
    defined: z.literal(false).optional().meta({ description: 'Present when the expression gives undefined (a field the item does not have): a run passes it on as missing' }),
    error: z.string().optional().meta({ description: 'Why the expression could not be evaluated' }),
    note: z.string().optional().meta({ description: 'Present when no items were sent: the expression saw one empty item' }),
  })
  .meta({ id: 'ExpressionPreview' });
export type ExpressionPreview = z.infer<typeof ExpressionPreview>;
