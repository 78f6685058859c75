import { z } from 'zod';
import { defineNode } from '../../sdk/index.ts';
import { CredentialRef, HTTP_CREDENTIAL_TYPES } from '../../credentials/types.ts';

const NameValue = z
  .object({
    name: z.string().min(1, 'The name is empty').max(256),
    value: z.string().max(8192),
  })
  .strict();

/** Why fetch could never call `value`, or undefined: caught when the node is saved, not at every attempt. */
function addressProblem(value: string): string | undefined {
  const port = /^https?:\/\/[^/?#]*:(\d+)(?:[/?#]|$)/i.exec(value)?.[1];
  if (port !== undefined && (Number(port) === 0 || Number(port) > 65535)) return `The port ${port} does not exist: ports go from 1 to 65535`;
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) return 'Give a full address starting with http:// or https://';
  const url = new URL(value);
  if (url.username || url.password) return 'Put the user name and password in a Basic auth credential, not in the address (user:password@)';
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
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
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
      ctx.addIssue({ code: 'custom', path: ['body'], message: `A ${params.method} request cannot have a body` });
    }
  });
export type Params = z.infer<typeof Params>;

export const definition = defineNode({
  type: 'connector.http',
  version: 1,
  label: 'HTTP request',
  description: 'Calls any HTTP API; the answer (status, headers, body) becomes the item.',
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
