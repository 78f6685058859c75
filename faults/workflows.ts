/**
 * The workflows the scenarios run, created through the REST API as a user would, and
 * what each intends: which status a run of it must end with, and which of its steps act
 * on the ERP (whose idempotency keys the checks follow).
 *
 * - Orders: a signed webhook (HMAC, GitHub's convention, with a delivery id: replays are
 *   refused) → Edit fields → HTTP POST to the ERP → Code → No-op. Every run succeeds.
 * - Sandbox abuse: a webhook → a Code step that, depending on the delivery, loops forever,
 *   allocates until it runs out of memory, returns a 500 MB string, or behaves. Only the
 *   hostile runs fail.
 */
import { randomBytes } from 'node:crypto';
import type { Stack } from './stack.ts';

export type RunStatusIntended = 'succeeded' | 'failed';

export interface FlowUnderTest {
  id: string;
  name: string;
  path: string;
  /** The status a run must end with, given the JSON of its trigger's first item. */
  intends(input: Record<string, unknown>): RunStatusIntended;
  /** Steps that act on the ERP: their key is `<run>:<node>`. */
  effectNodes: string[];
  /** The HMAC secret its webhook checks (signed flows). */
  secret?: string;
}

const edge = (source: string, target: string) => ({ source, target });

async function createActive(stack: Stack, name: string, graph: unknown): Promise<string> {
  const { id } = await stack.call<{ id: string }>('POST', '/api/workflows', { name, graph });
  await stack.call('POST', `/api/workflows/${id}/activate`);
  return id;
}

export async function createOrderFlow(stack: Stack, path = 'orders'): Promise<FlowUnderTest> {
  const secret = randomBytes(24).toString('base64url');
  const credential = await stack.call<{ id: string }>('POST', '/api/credentials', { name: 'Storefront signing secret', type: 'hmacSecret', data: { secret } });
  const name = 'Orders to the ERP';
  const id = await createActive(stack, name, {
    nodes: [
      {
        id: 'hook',
        type: 'trigger.webhook',
        name: 'Order received',
        params: { path, respond: 'immediately', auth: { kind: 'hmac', style: 'github' }, credential: credential.id },
      },
      { id: 'prepare', type: 'transform.fields', name: 'Prepare order', params: { operations: [{ op: 'set', field: 'stage', value: 'received' }] } },
      {
        id: 'erp',
        type: 'connector.http',
        name: 'Create ERP order',
        params: { method: 'POST', url: `${stack.erp.url}/orders`, body: { orderId: '{{ $json.orderId }}', total: '{{ $json.total }}' }, timeoutSeconds: 60 },
      },
      {
        id: 'summarise',
        type: 'code.javascript',
        name: 'Summarise',
        params: { code: 'return $input.all().map((item, i) => ({ json: { erpOrderId: item.json.body.erpOrderId, repeat: item.json.body.repeat }, pairedItem: i }));' },
      },
      { id: 'done', type: 'logic.noop', name: 'Done' },
    ],
    edges: [edge('hook', 'prepare'), edge('prepare', 'erp'), edge('erp', 'summarise'), edge('summarise', 'done')],
    settings: { timezone: 'UTC', timeoutSeconds: 1800 },
  });
  return { id, name, path, intends: () => 'succeeded', effectNodes: ['erp'], secret };
}

/** What the Code step of the sandbox-abuse flow does, by the delivery's `kind`. */
export const HOSTILE_KINDS = ['loop', 'oom', 'huge'] as const;

const HOSTILE_CODE = `
const kind = $input.first().json.kind;
if (kind === 'loop') { for (;;) {} }
if (kind === 'oom') { const hoard = []; for (;;) hoard.push(new Array(1_000_000).fill(hoard.length)); }
if (kind === 'huge') { return [{ json: { text: 'x'.repeat(500 * 1024 * 1024) } }]; }
return [{ json: { kind, fine: true } }];
`;

export async function createHostileFlow(stack: Stack, path = 'abuse'): Promise<FlowUnderTest> {
  const name = 'Sandbox abuse';
  const id = await createActive(stack, name, {
    nodes: [
      { id: 'hook', type: 'trigger.webhook', name: 'Request', params: { path, respond: 'immediately' } },
      { id: 'code', type: 'code.javascript', name: 'User code', params: { code: HOSTILE_CODE } },
      { id: 'done', type: 'logic.noop', name: 'Done' },
    ],
    edges: [edge('hook', 'code'), edge('code', 'done')],
    settings: { timezone: 'UTC', timeoutSeconds: 1800, codeTimeoutMs: 2000 },
  });
  return {
    id,
    name,
    path,
    intends: (input) => ((HOSTILE_KINDS as readonly unknown[]).includes(input.kind) ? 'failed' : 'succeeded'),
    effectNodes: [],
  };
}
