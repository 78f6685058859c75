import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';
import { spawnJunction } from '../testing/processes.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ worker: false });
});

afterAll(async () => {
  await h?.close();
});

describe('/api/variables', () => {
  it('creates, lists, reads, changes and deletes a variable', async () => {
    const created = await h.call('POST', '/api/variables', { key: 'ERP_BASE_URL', value: 'https://erp.example/api' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: 'ERP_BASE_URL', value: 'https://erp.example/api' });
    await h.call('POST', '/api/variables', { key: 'A_FIRST', value: '' });
    expect((await h.call('GET', '/api/variables')).body.variables.map((v: any) => v.key)).toEqual(['A_FIRST', 'ERP_BASE_URL']);
    expect((await h.call('GET', '/api/variables/ERP_BASE_URL')).body.value).toBe('https://erp.example/api');
    const changed = await h.call('PUT', '/api/variables/ERP_BASE_URL', { value: 'https://erp2.example' });
    expect(changed.status).toBe(200);
    expect(changed.body.value).toBe('https://erp2.example');
    expect(Date.parse(changed.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.body.updatedAt));
    expect((await h.call('DELETE', '/api/variables/ERP_BASE_URL')).status).toBe(204);
    expect((await h.call('GET', '/api/variables/ERP_BASE_URL')).status).toBe(404);
    expect((await h.call('DELETE', '/api/variables/ERP_BASE_URL')).status).toBe(404);
  });

  it('refuses a taken name, a name that cannot follow $vars., and a value too long', async () => {
    await h.call('POST', '/api/variables', { key: 'TAKEN', value: '1' });
    const taken = await h.call('POST', '/api/variables', { key: 'TAKEN', value: '2' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('variable_exists');
    const badName = await h.call('POST', '/api/variables', { key: '1-bad name', value: 'x' });
    expect(badName.status).toBe(400);
    expect(badName.body.error.message).toMatch(/key: A variable name may contain only letters, digits and "_"/);
    const tooLong = await h.call('PUT', '/api/variables/TAKEN', { value: 'x'.repeat(10_001) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toMatch(/at most 10000 characters/);
    expect((await h.call('PUT', '/api/variables/Not_There', { value: 'x' })).status).toBe(404);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await h.call('GET', '/api/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/variables', '/api/variables/{key}']));
    expect(doc.components.schemas.Variable).toBeDefined();
  });
});

describe('$vars in runs', () => {
  it('reflects every write committed before a run starts, in a worker of another process', { timeout: 120_000 }, async () => {
    // A flow keeping its state in a variable: each run must see the state the last change left.
    const workflowId = await h.createWorkflow({
      nodes: [
        { id: 'start', type: 'trigger.manual', name: 'Start' },
        { id: 'read', type: 'transform.fields', name: 'Read state', params: { operations: [{ op: 'set', field: 'seen', value: '{{ $vars.PO_STATE }}' }] } },
      ],
      edges: [{ source: 'start', target: 'read' }],
    });
    const worker = spawnJunction('worker', { DATABASE_URL: h.database.url });
    try {
      await worker.waitFor(/worker started/);
      const seen = async () => {
        const run = await h.waitForRun((await h.call('POST', `/api/workflows/${workflowId}/run`, {})).body.runId, 60_000);
        expect(run.status).toBe('succeeded');
        return run.steps.find((step: { nodeId: string }) => step.nodeId === 'read').output.main[0].json.seen as unknown;
      };
      expect((await h.call('POST', '/api/variables', { key: 'PO_STATE', value: 'none ordered' })).status).toBe(201);
      expect(await seen()).toBe('none ordered');
      for (let i = 1; i <= 5; i++) {
        expect((await h.call('PUT', '/api/variables/PO_STATE', { value: `PO-${i} ordered` })).status).toBe(200);
        expect(await seen()).toBe(`PO-${i} ordered`);
      }
      expect((await h.call('DELETE', '/api/variables/PO_STATE')).status).toBe(204);
      expect(await seen()).not.toBe('PO-5 ordered');
      expect((await h.call('POST', '/api/variables', { key: 'PO_STATE', value: 'again' })).status).toBe(201);
      expect(await seen()).toBe('again');
    } finally {
      await worker.kill();
    }
  });
});
