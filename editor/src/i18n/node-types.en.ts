/** English words of node types: labels, descriptions, field labels and help, choices (part of en.ts; see node-types.ts). */
export const nodeTypesEn = {
  $categories: { trigger: 'Triggers', logic: 'Logic', transform: 'Transform', code: 'Code', connector: 'Connectors' },
  trigger: {
    manual: {
      label: 'Manual trigger',
      description: 'Starts the workflow when you click “Run” or call the run API, with the sample data you give.',
    },
    webhook: {
      label: 'Webhook',
      description: 'Starts the workflow when another system sends an HTTP request to /hooks/<path>.',
      fields: {
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
    },
  },
  transform: {
    fields: {
      label: 'Edit fields',
      description: 'Sets, renames or removes fields of each item.',
      fields: {
        operations: { label: 'Changes', help: 'Changes applied to each item, in order.' },
        op: { label: 'Change' },
        field: { label: 'Field', help: 'Use dots for nested fields, e.g. “customer.tier”.' },
        value: { label: 'Value', help: 'Text, a number, true/false, a list or an object.' },
        from: { label: 'Field to rename' },
        to: { label: 'New name' },
        keepOnlySet: { label: 'Keep only these fields', help: 'Drop every field that is not set or renamed above.' },
      },
      options: { op: { set: 'Set', rename: 'Rename', remove: 'Remove' } },
    },
  },
  logic: {
    if: {
      label: 'If',
      description: 'Sends each item to “true” or “false” depending on conditions.',
      fields: {
        conditions: { label: 'Conditions' },
        left: { label: 'Value', help: 'The value to test, usually a field of the item: {{ $json.total }}.' },
        op: { label: 'Comparison', help: 'How the value is compared; “matches the pattern” takes a regular expression.', choose: 'Choose a comparison' },
        right: { label: 'Compare with', help: 'Not used by “exists” and “does not exist”.' },
        caseSensitive: { label: 'Case sensitive', help: 'For text: whether upper and lower case must match.' },
        combine: { label: 'Combine', help: 'Whether all conditions or any one must hold.' },
      },
      options: {
        op: {
          equals: 'equals',
          notEquals: 'does not equal',
          gt: 'is greater than',
          gte: 'is at least',
          lt: 'is less than',
          lte: 'is at most',
          contains: 'contains',
          exists: 'exists',
          notExists: 'does not exist',
          matches: 'matches the pattern',
        },
        combine: { and: 'All must hold (and)', or: 'Any one is enough (or)' },
      },
    },
    noop: { label: 'No operation', description: 'Passes its items on unchanged. Useful as a marker or a meeting point of branches.' },
  },
  connector: {
    http: {
      label: 'HTTP request',
      description: 'Calls any HTTP API; the answer (status, headers, body) becomes the item.',
      fields: {
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
    },
  },
  code: {
    javascript: {
      label: 'Code',
      description: 'Runs your JavaScript on the items, in the sandbox.',
      fields: {
        mode: { label: 'Run the code', help: 'Once with every item ($input.all(), returns a list), or once per item ($json, returns that item, a list, or nothing to drop it).' },
        code: {
          label: 'JavaScript',
          help: 'await works. Available: $input, $json, $node("Name"), $run, $workflow, $vars, $now, $today, DateTime, and console.log (kept with the step in run history). No network, files or timers.',
        },
      },
      options: { mode: { allItems: 'Once with all items', perItem: 'Once per item' } },
    },
  },
};
