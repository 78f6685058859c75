import type { NodeWords } from '../../sdk/words.ts';

/** `auth` is drawn by the editor's own webhook form (editor/src/inspector/webhook.tsx), in words of its own. */
export const words = {
  label: 'Webhook',
  description: 'Starts the workflow when another system sends an HTTP request to /hooks/<path>.',
  params: {
    path: { label: 'Path', help: 'The address the sending system calls: /hooks/<path>.' },
    method: { label: 'HTTP method', help: 'The HTTP method the sending system uses.' },
    respond: { label: 'Answer', help: 'Answer at once with the run id, or wait until the run finishes and answer with the last step’s output.' },
    responseTimeoutSeconds: { label: 'Wait at most (seconds)', help: 'When waiting for the run: how long before answering with the run id while the run goes on.' },
    include: { label: 'Each item holds', help: 'The request body, or the whole request (body, query, headers without credentials, method, path).' },
    auth: { label: 'Who may call it', help: 'A request that fails this check gets 401 and starts no run.' },
    credential: { label: 'Credential to check against', help: 'Holds the token, password or signing secret — never in the workflow itself.' },
  },
  options: {
    respond: { immediately: 'At once (with the run id)', whenFinished: 'When the run has finished' },
    include: { body: 'The body', request: 'The whole request' },
  },
  messages: {
    headerName: 'Not a valid header name',
    pathMissing: 'Give the webhook a path, e.g. "orders"',
    pathTooLong: 'The path is longer than 200 characters',
    pathCharacters: 'The path may contain letters, digits, "-", "_" and "/" between parts',
    chooseCredential: 'Choose the credential that {{kind}} authentication checks against',
  },
} as const satisfies NodeWords;
