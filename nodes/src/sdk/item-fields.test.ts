import { afterEach, describe, expect, it } from 'vitest';
import { FieldPath, getField, hasField, parseFieldPath, removeField, setField } from './item-fields.ts';
import type { JsonObject } from './types.ts';

afterEach(() => {
  // A pollution that slipped through would leak into every later test: fail loudly here.
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('parseFieldPath', () => {
  it('splits a dot path into keys', () => {
    expect(parseFieldPath('customer.address.city')).toEqual({ ok: true, keys: ['customer', 'address', 'city'] });
    expect(parseFieldPath('lines.0.sku')).toEqual({ ok: true, keys: ['lines', '0', 'sku'] });
  });

  it.each([
    ['', 'Give the field a name'],
    ['   ', 'Give the field a name'],
    ['a..b', 'empty part between dots'],
    ['.a', 'empty part between dots'],
    ['a.', 'empty part between dots'],
    ['__proto__', '"__proto__" cannot be used'],
    ['a.__proto__.polluted', '"__proto__" cannot be used'],
    ['constructor.prototype', '"constructor" cannot be used'],
    ['x.prototype', '"prototype" cannot be used'],
  ])('refuses %j', (path, reason) => {
    const parsed = parseFieldPath(path);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });

  it('allows keys that merely contain a forbidden word', () => {
    expect(parseFieldPath('my__proto__.constructorName').ok).toBe(true);
  });
});

describe('getField and hasField', () => {
  const json: JsonObject = { customer: { name: 'Ana', tier: null, address: { city: 'Taipei' } }, lines: [{ sku: 'A1' }], zero: 0 };

  it('reads nested fields and array elements', () => {
    expect(getField(json, 'customer.address.city')).toBe('Taipei');
    expect(getField(json, 'lines.0.sku')).toBe('A1');
    expect(getField(json, 'zero')).toBe(0);
    expect(getField(json, 'customer.tier')).toBeNull();
  });

  it('tells a missing field from one holding null', () => {
    expect(hasField(json, 'customer.tier')).toBe(true);
    expect(hasField(json, 'customer.email')).toBe(false);
    expect(hasField(json, 'customer.name.first')).toBe(false);
    expect(getField(json, 'lines.5.sku')).toBeUndefined();
  });

  it('does not read inherited properties', () => {
    expect(getField(json, 'toString')).toBeUndefined();
    expect(hasField(json, 'hasOwnProperty')).toBe(false);
    expect(getField(json, 'lines.length')).toBe(1); // own property of the array
  });

  it('throws on a forbidden path instead of reaching the prototype', () => {
    expect(() => getField(json, '__proto__')).toThrow(/"__proto__" cannot be used/);
    expect(() => hasField(json, 'constructor')).toThrow(/"constructor" cannot be used/);
  });
});

describe('setField', () => {
  it('creates intermediate objects', () => {
    const json: JsonObject = { keep: 1 };
    setField(json, 'customer.address.city', 'Warsaw');
    expect(json).toEqual({ keep: 1, customer: { address: { city: 'Warsaw' } } });
  });

  it('replaces a scalar standing in the way of a nested field', () => {
    const json: JsonObject = { customer: 'Ana' };
    setField(json, 'customer.name', 'Ana');
    expect(json).toEqual({ customer: { name: 'Ana' } });
  });

  it('writes into existing arrays by index', () => {
    const json: JsonObject = { lines: [{ sku: 'A1' }] };
    setField(json, 'lines.0.qty', 2);
    expect(json).toEqual({ lines: [{ sku: 'A1', qty: 2 }] });
  });

  it('never pollutes Object.prototype', () => {
    const json: JsonObject = {};
    expect(() => setField(json, '__proto__.polluted', true)).toThrow(/"__proto__"/);
    expect(() => setField(json, 'constructor.prototype.polluted', true)).toThrow(/"constructor"/);
    expect(() => setField(json, 'a.prototype.polluted', true)).toThrow(/"prototype"/);
    expect(json).toEqual({});
  });

  it('treats an inherited method name as a plain new field', () => {
    const json: JsonObject = {};
    setField(json, 'toString.polluted', true);
    expect(Object.hasOwn(json, 'toString')).toBe(true);
    expect(json.toString).toEqual({ polluted: true });
    expect(Object.prototype.toString).toBeTypeOf('function');
  });
});

describe('removeField', () => {
  it('removes a nested field and returns its old value', () => {
    const json: JsonObject = { a: { b: 1, c: 2 } };
    expect(removeField(json, 'a.b')).toBe(1);
    expect(json).toEqual({ a: { c: 2 } });
  });

  it('does nothing when the field or a parent is missing', () => {
    const json: JsonObject = { a: { b: 1 }, s: 'text' };
    expect(removeField(json, 'x.y')).toBeUndefined();
    expect(removeField(json, 'a.z')).toBeUndefined();
    expect(removeField(json, 's.length')).toBeUndefined();
    expect(removeField(json, 'toString')).toBeUndefined();
    expect(json).toEqual({ a: { b: 1 }, s: 'text' });
  });

  it('refuses forbidden paths', () => {
    expect(() => removeField({}, 'constructor')).toThrow(/"constructor"/);
    expect(Object.prototype.constructor).toBe(Object);
  });
});

describe('FieldPath schema', () => {
  it('accepts dot paths and refuses what the helpers refuse, with the same reason', () => {
    expect(FieldPath.parse('customer.tier')).toBe('customer.tier');
    const result = FieldPath.safeParse('customer.__proto__');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('"__proto__" cannot be used as a field name');
    expect(FieldPath.safeParse('').success).toBe(false);
    expect(FieldPath.safeParse(12).success).toBe(false);
  });
});
