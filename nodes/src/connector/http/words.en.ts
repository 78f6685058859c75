import type { NodeWords } from '../../sdk/words.ts';

export const words = {
  label: 'HTTP request',
  description: 'Calls any HTTP API; the answer (status, headers, body) becomes the item.',
  params: {
    method: { label: 'Method', help: 'The HTTP method.' },
    url: { label: 'URL', help: 'The address to call, e.g. https://erp.example.com/api/purchase-orders.' },
    headers: { label: 'Headers', help: 'Extra request headers.' },
    query: { label: 'Query parameters', help: 'Added to the address.' },
    body: { label: 'Body', help: 'JSON body to send (not for GET or HEAD).' },
    timeoutSeconds: { label: 'Timeout (seconds)', help: 'Give up on the call after this many seconds.' },
    sendIdempotencyKey: { label: 'Send an idempotency key', help: 'The same Idempotency-Key header on every retry, so the receiving system can ignore repeats.' },
    responseFormat: { label: 'Read the answer as', help: 'By its Content-Type, always as JSON, or as text.' },
    credential: { label: 'Credential', help: 'Signs the request in: a header, a bearer token, Basic auth or OAuth2 client credentials, from the vault.' },
  },
  options: { responseFormat: { auto: 'Automatic', json: 'JSON', text: 'Text' } },
  messages: {
    nameEmpty: 'The name is empty',
    fullAddress: 'Give a full address starting with http:// or https://',
    noSuchPort: 'The port {{port}} does not exist: ports go from 1 to 65535',
    passwordInAddress: 'Put the user name and password in a Basic auth credential, not in the address (user:password@)',
    bodyNotAllowed: 'A {{method}} request cannot have a body',
  },
} as const satisfies NodeWords;
