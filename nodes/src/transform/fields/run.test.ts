import { afterEach, describe, expect, it } from 'vitest';
import type { ItemContext, JsonObject } from '../../sdk/index.ts';
import { definition, Params } from './definition.ts';
import { run } from './run.ts';
import { itemContext } from '../../sdk/testing.ts';

function ctx(params: unknown, json: JsonObject): ItemContext<Params> {
  return itemContext(definition, params, { json });
}

async function output(params: unknown, json: JsonObject): Promise<JsonObject> {
  const result = await run(ctx(params, json));
  expect(Object.keys(result)).toEqual(['main']);
  expect(result.main).toHaveLength(1);
  return result.main![0]!.json;
}

afterEach(() => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype.constructor).toBe(Object);
});

describe('transform.fields', () => {
  it('passes the item through unchanged with no operations', async () => {
    expect(await output({}, { a: 1, b: { c: [1, 2] } })).toEqual({ a: 1, b: { c: [1, 2] } });
  });

  it('sets top-level and nested fields, creating parents', async () => {
    const json = await output(
      { operations: [{ op: 'set', field: 'status', value: 'new' }, { op: 'set', field: 'customer.tier', value: 'gold' }] },
      { id: 7, customer: { name: 'Ana' } },
    );
    expect(json).toEqual({ id: 7, status: 'new', customer: { name: 'Ana', tier: 'gold' } });
  });

  it('sets lists and objects as values without sharing them between items', async () => {
    const params = { operations: [{ op: 'set', field: 'tags', value: ['a'] }] };
    const context = ctx(params, {});
    const first = (await run(context)).main![0]!.json;
    (first.tags as string[]).push('changed');
    const second = (await run(context)).main![0]!.json;
    expect(second.tags).toEqual(['a']);
  });

  it('renames a field, nested included, and ignores a missing one', async () => {
    const json = await output(
      {
        operations: [
          { op: 'rename', from: 'sku', to: 'product.code' },
          { op: 'rename', from: 'customer.mail', to: 'customer.email' },
          { op: 'rename', from: 'missing', to: 'created' },
        ],
      },
      { sku: 'A1', customer: { mail: 'ana@example.com' } },
    );
    expect(json).toEqual({ product: { code: 'A1' }, customer: { email: 'ana@example.com' } });
    expect(Object.hasOwn(json, 'created')).toBe(false);
  });

  it('renames a field holding null (it exists)', async () => {
    expect(await output({ operations: [{ op: 'rename', from: 'a', to: 'b' }] }, { a: null })).toEqual({ b: null });
  });

  it('removes fields, nested included', async () => {
    const json = await output(
      { operations: [{ op: 'remove', field: 'secret' }, { op: 'remove', field: 'customer.card' }, { op: 'remove', field: 'nope.deeper' }] },
      { secret: 'x', keep: true, customer: { card: '4111', name: 'Ana' } },
    );
    expect(json).toEqual({ keep: true, customer: { name: 'Ana' } });
  });

  it('applies operations in order', async () => {
    const json = await output(
      { operations: [{ op: 'set', field: 'a', value: 1 }, { op: 'rename', from: 'a', to: 'b' }, { op: 'set', field: 'a', value: 2 }] },
      {},
    );
    expect(json).toEqual({ b: 1, a: 2 });
  });

  describe('keepOnlySet', () => {
    it('keeps only the fields set or renamed', async () => {
      const json = await output(
        {
          keepOnlySet: true,
          operations: [{ op: 'set', field: 'status', value: 'ok' }, { op: 'rename', from: 'customer.name', to: 'name' }],
        },
        { id: 1, status: 'old', customer: { name: 'Ana', email: 'ana@example.com' } },
      );
      expect(json).toEqual({ status: 'ok', name: 'Ana' });
    });

    it('renames a field set by an earlier operation', async () => {
      const json = await output(
        { keepOnlySet: true, operations: [{ op: 'set', field: 'total', value: 10 }, { op: 'rename', from: 'total', to: 'amount' }] },
        { total: 99 },
      );
      expect(json).toEqual({ amount: 10 });
      const fromNothing = await output(
        { keepOnlySet: true, operations: [{ op: 'set', field: 'a.b', value: 1 }, { op: 'rename', from: 'a.b', to: 'c' }] },
        {},
      );
      expect(fromNothing).toEqual({ a: {}, c: 1 });
    });

    it('removes a field set earlier', async () => {
      const json = await output(
        { keepOnlySet: true, operations: [{ op: 'set', field: 'a', value: 1 }, { op: 'set', field: 'b', value: 2 }, { op: 'remove', field: 'a' }] },
        { a: 0, c: 3 },
      );
      expect(json).toEqual({ b: 2 });
    });

    it('gives an empty item when nothing is set', async () => {
      expect(await output({ keepOnlySet: true, operations: [{ op: 'rename', from: 'x', to: 'y' }] }, { a: 1 })).toEqual({});
    });
  });

  it('never mutates the input item', async () => {
    const input = { a: 1, customer: { name: 'Ana', card: '4111' }, lines: [{ sku: 'A1' }] };
    const snapshot = structuredClone(input);
    const context = ctx(
      {
        operations: [
          { op: 'set', field: 'customer.tier', value: 'gold' },
          { op: 'remove', field: 'customer.card' },
          { op: 'rename', from: 'lines.0.sku', to: 'lines.0.code' },
          { op: 'rename', from: 'a', to: 'b' },
        ],
      },
      input,
    );
    const json = (await run(context)).main![0]!.json;
    expect(input).toEqual(snapshot);
    expect(json.customer).not.toBe(input.customer);
    expect(json).toEqual({ b: 1, customer: { name: 'Ana', tier: 'gold' }, lines: [{ code: 'A1' }] });
  });

  describe('prototype pollution', () => {
    it.each([
      [{ op: 'set', field: '__proto__.polluted', value: true }, 'operations[0].field'],
      [{ op: 'set', field: 'constructor.prototype.polluted', value: true }, 'operations[0].field'],
      [{ op: 'rename', from: 'a', to: '__proto__' }, 'operations[0].to'],
      [{ op: 'rename', from: 'constructor', to: 'b' }, 'operations[0].from'],
      [{ op: 'remove', field: 'x.__proto__' }, 'operations[0].field'],
    ])('the schema refuses %j', (operation, path) => {
      const result = Params.safeParse({ operations: [operation] });
      expect(result.success).toBe(false);
      expect(result.error!.issues.map((i) => i.path.join('.').replace(/\.(\d+)\./, '[$1].'))).toEqual([path]);
      expect(result.error!.issues[0]!.message).toMatch(/cannot be used as a field name/);
    });

    it('run refuses a forbidden field that bypassed the schema, leaving Object.prototype alone', async () => {
      const context = ctx({}, { a: 1 });
      context.params = { keepOnlySet: false, operations: [{ op: 'set', field: '__proto__.polluted', value: true }] };
      await expect(async () => run(context)).rejects.toThrow(/"__proto__" cannot be used/);
      context.params = { keepOnlySet: false, operations: [{ op: 'rename', from: 'a', to: 'constructor.prototype.polluted' }] };
      await expect(async () => run(context)).rejects.toThrow(/"constructor" cannot be used/);
    });

    it('treats a "__proto__" key inside item data as plain data', async () => {
      const input = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as JsonObject;
      const json = await output({ operations: [{ op: 'set', field: 'b', value: 2 }] }, input);
      expect(Object.hasOwn(json, '__proto__')).toBe(true);
      expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
      expect(json.b).toBe(2);
    });
  });
});
