import { z } from 'zod';
import { defineNode, nodeMessages } from '../../sdk/index.ts';
import { CredentialRef, HTTP_CREDENTIAL_TYPES } from '../../credentials/types.ts';
import { words } from './words.en.ts';

const say = nodeMessages('connector.http', words.messages);

const NameValue = z
  .object({
    name: z.string().min(1, say.check('nameEmpty')).max(256),
    value: z.string().max(8192),
  })
  .strict();

/** Why fetch could never call `value`, or undefined: caught when the node is saved, not at every attempt. */
function addressProblem(value: string) {
  const port = /^https?:\/\/[^/?#]*:(\d+)(?:[/?#]|$)/i.exec(value)?.[1];
  if (port !== undefined && (Number(port) === 0 || Number(port) > 65535)) return say.issue('noSuchPort', { port });
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) return say.issue('fullAddress');
  const url = new URL(value);
  if (url.username || url.password) return say.issue('passwordInAddress');
  return undefined;
}

export const Params = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET').describe('The HTTP method.'),
    url: z
      .string()
      .max(8192)
      .superRefine((value, ctx) => {
        const problem = addressProblem(value);
        if (problem) ctx.addIssue(problem);
      })
      .describe('The address to call, e.g. https://erp.example.com/api/purchase-orders.'),
    credential: CredentialRef.optional().describe('Authenticate with a stored credential: header, bearer token, basic auth or OAuth2 client credentials.'),
    headers: z.array(NameValue).max(100).default([]).describe('Extra request headers.'),
    query: z.array(NameValue).max(100).default([]).describe('Query parameters added to the address.'),
    body: z.unknown().optional().describe('JSON body to send (not for GET or HEAD).'),
    timeoutSeconds: z.number().min(1).max(600).default(30).describe('Give up on the call after this many seconds.'),
    sendIdempotencyKey: z
      .boolean()
      .default(true)
      .describe('Send an Idempotency-Key header (the same on every retry) so the receiving system can ignore repeats.'),
    responseFormat: z
      .enum(['auto', 'json', 'text'])
      .default('auto')
      .describe('How to read the answer: by its Content-Type, always as JSON, or as text.'),
  })
  .strict()
  .superRefine((params, ctx) => {
    if ((params.method === 'GET' || params.method === 'HEAD') && params.body !== undefined) {
      ctx.addIssue({ ...say.issue('bodyNotAllowed', { method: params.method }), path: ['body'] });
    }
  });
export type Params = z.infer<typeof Params>;

export const definition = defineNode({
  type: 'connector.http',
  version: 1,
  label: words.label,
  description: words.description,
  icon: 'globe',
  category: 'connector',
  inputs: ['main'],
  outputs: ['main'],
  params: Params,
  mode: 'perItem',
  sideEffects: true,
  retry: { maxAttempts: 3, backoffMs: 1000, maxBackoffMs: 30_000 },
  credentials: [{ param: 'credential', types: HTTP_CREDENTIAL_TYPES }],
});
