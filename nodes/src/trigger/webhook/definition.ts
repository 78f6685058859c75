import { z } from 'zod';
import { defineNode, nodeMessages } from '../../sdk/index.ts';
import { CredentialRef } from '../../credentials/types.ts';
import { words } from './words.en.ts';

const say = nodeMessages('trigger.webhook', words.messages);

export const WEBHOOK_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Normalises a webhook path: no leading/trailing slashes, lower-level checks in the schema. */
export function normalizeWebhookPath(path: string): string {
  return path.trim().replace(/^\/+|\/+$/g, '');
}

const HeaderName = z.string().trim().min(1).max(256).regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, say.check('headerName'));

/**
 * Signature conventions of common senders. `custom` signs the raw body (or
 * `<timestamp>.<body>` when a timestamp header is set) with HMAC-SHA256.
 * Stripe's `Stripe-Signature: t=<unix time>,v1=<hex>` signs `<t>.<body>`.
 */
export const SIGNATURE_STYLES = {
  custom: { header: 'X-Signature', encoding: 'hex', prefix: '', deliveryIdHeader: undefined, timestampHeader: undefined },
  github: { header: 'X-Hub-Signature-256', encoding: 'hex', prefix: 'sha256=', deliveryIdHeader: 'X-GitHub-Delivery', timestampHeader: undefined },
  shopify: { header: 'X-Shopify-Hmac-Sha256', encoding: 'base64', prefix: '', deliveryIdHeader: 'X-Shopify-Webhook-Id', timestampHeader: undefined },
  stripe: { header: 'Stripe-Signature', encoding: 'hex', prefix: '', deliveryIdHeader: undefined, timestampHeader: undefined },
} as const;

export const WebhookAuth = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('none') }).strict(),
    z.object({ kind: z.literal('header') }).strict().describe('The request must carry the header of an "HTTP header" credential, with its value'),
    z.object({ kind: z.literal('basic') }).strict().describe('The request must carry the user name and password of a "Basic auth" credential'),
    z
      .object({
        kind: z.literal('hmac'),
        style: z.enum(['custom', 'github', 'shopify', 'stripe']).default('custom').describe('Whose convention: sets the defaults of the fields below'),
        header: HeaderName.optional().describe('The header carrying the signature (default: the style\'s)'),
        encoding: z.enum(['hex', 'base64']).optional().describe('How the signature is written (default: the style\'s)'),
        prefix: z.string().max(64).optional().describe('Text before the signature, e.g. "sha256=" (default: the style\'s)'),
        timestampHeader: HeaderName.optional().describe('A header with the time of sending (unix seconds or ISO 8601); the signature then covers "<timestamp>.<body>"'),
        toleranceSeconds: z.number().int().min(1).max(86_400).default(300).describe('Refuse requests whose timestamp is further than this from now'),
        deliveryIdHeader: HeaderName.optional().describe('A header with a unique delivery id: a repeated id is refused (replay protection)'),
      })
      .strict()
      .describe('The request must be signed with HMAC-SHA256 of its raw body, using the secret of a "Webhook signing secret" credential'),
  ])
  .default({ kind: 'none' })
  .describe('How callers prove who they are. A request that fails gets 401 and starts no run.');
export type WebhookAuth = z.infer<typeof WebhookAuth>;

/** Which credential type each kind of webhook auth takes. */
export const WEBHOOK_AUTH_CREDENTIAL_TYPE = { header: 'httpHeader', basic: 'httpBasic', hmac: 'hmacSecret' } as const;

export const Params = z
  .object({
    path: z
      .string()
      .transform(normalizeWebhookPath)
      .pipe(
        z
          .string()
          .min(1, say.check('pathMissing'))
          .max(200, say.check('pathTooLong'))
          .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, say.check('pathCharacters')),
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
    auth: WebhookAuth,
    credential: CredentialRef.optional(),
  })
  .strict()
  .superRefine((params, ctx) => {
    if (params.auth.kind !== 'none' && !params.credential) {
      ctx.addIssue({ ...say.issue('chooseCredential', { kind: params.auth.kind }), path: ['credential'] });
    }
  });
export type Params = z.infer<typeof Params>;

export const definition = defineNode({
  type: 'trigger.webhook',
  version: 1,
  label: words.label,
  description: words.description,
  icon: 'webhook',
  category: 'trigger',
  inputs: [],
  outputs: ['main'],
  params: Params,
  mode: 'allItems',
  sideEffects: false,
  trigger: { kind: 'webhook' },
  credentials: [{ param: 'credential', types: ['httpHeader', 'httpBasic', 'hmacSecret'] }],
});
