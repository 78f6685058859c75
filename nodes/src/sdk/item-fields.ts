/**
 * Reading and writing fields of an item's JSON by dot path (`customer.address.city`,
 * `lines.0.sku`). Keys that would reach an object's prototype are refused, so a field
 * name taken from a flow can never pollute `Object.prototype`.
 */
import { z } from 'zod';
import type { JsonObject } from './types.ts';

const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/** Splits a dot path, or explains why it cannot be used. */
export function parseFieldPath(path: string): { ok: true; keys: string[] } | { ok: false; reason: string } {
  if (path.trim() === '') return { ok: false, reason: 'Give the field a name' };
  const keys = path.split('.');
  if (keys.some((k) => k === '')) return { ok: false, reason: `"${path}" has an empty part between dots; write it like "customer.tier"` };
  const bad = keys.find((k) => FORBIDDEN_KEYS.has(k));
  if (bad) return { ok: false, reason: `"${bad}" cannot be used as a field name` };
  return { ok: true, keys };
}

function keysOf(path: string): string[] {
  const parsed = parseFieldPath(path);
  if (!parsed.ok) throw new Error(`Field "${path}": ${parsed.reason}`);
  return parsed.keys;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null;
}

export function getField(json: JsonObject, path: string): unknown {
  let current: unknown = json;
  for (const key of keysOf(path)) {
    if (!isObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

export function hasField(json: JsonObject, path: string): boolean {
  let current: unknown = json;
  for (const key of keysOf(path)) {
    if (!isObject(current) || !Object.hasOwn(current, key)) return false;
    current = current[key];
  }
  return true;
}

/** Sets a field, creating intermediate objects. Mutates `json`: pass a copy. */
export function setField(json: JsonObject, path: string, value: unknown): void {
  const keys = keysOf(path);
  let current: JsonObject = json;
  for (const key of keys.slice(0, -1)) {
    const next = current[key];
    if (isObject(next)) {
      current = next;
    } else {
      const created: JsonObject = {};
      current[key] = created;
      current = created;
    }
  }
  current[keys[keys.length - 1]!] = value;
}

/** Removes a field; returns its old value. Mutates `json`: pass a copy. */
export function removeField(json: JsonObject, path: string): unknown {
  const keys = keysOf(path);
  let current: unknown = json;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  const last = keys[keys.length - 1]!;
  if (!isObject(current) || !Object.hasOwn(current, last)) return undefined;
  const old = current[last];
  delete current[last];
  return old;
}

/** A params field holding a dot path into an item, validated when the flow is saved. */
export const FieldPath = z.string().superRefine((path, ctx) => {
  const parsed = parseFieldPath(path);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.reason });
});
