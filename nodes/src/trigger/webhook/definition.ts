import { z } from 'zod';
import { defineNode } from '../../sdk/index.ts';

export const WEBHOOK_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Normalises a webhook path: no leading/trailing slashes, lower-level checks in the schema. */
export function normalizeWebhookPath(path: string): string {
  return path.trim().replace(/^\/+|\/+$/g, '');
}

export const Params = z
  .object({
    path: z
      .string()
      .transform(normalizeWebhookPath)
      .pipe(
        z
          .string()
          .min(1, 'Give the webhook a path, e.g. "orders"')
          .max(200, 'The path is longer than 200 characters')
          .regex(
            /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/,
            'The path may contain letters, digits, "-", "_" and "/" between parts',
          ),
      )
      .describe('The address the sending system calls: /hooks/<path>.'),
    method: z.enum(WEBHOOK_METHODS).default('POST').describe('The HTTP method the sending system uses.'),
    respond: z
      .enum(['immediately', 'whenFinished'])
      .default('immediately')
      .describe(
        'Answer at once with the run id (202), or wait until the run finishes and answer with the last step\'s output.',
      ),
    responseTimeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(300)
      .default(30)
      .describe('When waiting for the run: how long before answering 202 with the run id while the run goes on.'),
    include: z
      .enum(['body', 'request'])
      .default('body')
      .describe(
        'What each item holds: the request body, or the whole request (body, query, headers without credentials, method, path).',
      ),
  })
  .strict();
export type Params = z.infer<typeof Params>;

export const definition = defineNode({
  type: 'trigger.webhook',
  version: 1,
  label: 'Webhook',
  description: 'Starts the workflow when another system sends an HTTP request to /hooks/<path>.',
  icon: 'webhook',
  category: 'trigger',
  inputs: [],
  outputs: ['main'],
  params: Params,
  mode: 'allItems',
  sideEffects: false,
  trigger: { kind: 'webhook' },
});
