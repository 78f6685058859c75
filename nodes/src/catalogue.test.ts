import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findNodeFolders } from './catalogue/generate.ts';
import { catalogue, catalogueOf, definitions } from './index.ts';
import { serverCatalogue, serverNodes } from './server.ts';
import { NODE_LANGUAGES } from './words.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** Relative static imports (`import ... from './x.ts'`, `export ... from`) of a source file. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  const bare = [...text.matchAll(/import\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  return [...specifiers, ...bare].filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s));
}

/** Every file `entry` loads through relative imports, itself included. */
function importClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    stack.push(...relativeImports(file));
  }
  return seen;
}

describe('the node catalogues', () => {
  it('list exactly the same node types in the browser and on the server', () => {
    const browserTypes = definitions.map((d) => d.type).sort();
    const serverTypes = serverNodes.map((n) => n.definition.type).sort();
    expect(serverTypes).toEqual(browserTypes);
    // Every node folder, and nothing else: a type's id is its folder's place.
    expect(browserTypes).toEqual(findNodeFolders(here).map((folder) => folder.type));
    expect(browserTypes).toEqual(
      expect.arrayContaining(['code.javascript', 'connector.http', 'logic.if', 'logic.noop', 'transform.fields', 'trigger.manual', 'trigger.webhook']),
    );
  });

  it('pair each server node with the very definition the browser sees', () => {
    for (const node of serverNodes) {
      expect(node.definition, node.definition.type).toBe(catalogue.get(node.definition.type));
      expect(node.mode).toBe(node.definition.mode);
      expect(typeof node.run).toBe('function');
      expect(serverCatalogue.get(node.definition.type)).toBe(node);
    }
  });

  it('has unique type ids of the form category.name', () => {
    const types = definitions.map((d) => d.type);
    expect(new Set(types).size).toBe(types.length);
    expect(catalogue.size).toBe(types.length);
    for (const definition of definitions) {
      expect(definition.type).toMatch(/^[a-z]+\.[a-zA-Z][a-zA-Z0-9]*$/);
      expect(definition.type.split('.')[0]).toBe(definition.category);
    }
  });

  it('gives triggers no inputs and every other node at least one', () => {
    for (const definition of definitions) {
      if (definition.category === 'trigger') {
        expect(definition.inputs, definition.type).toEqual([]);
        expect(definition.trigger, definition.type).toBeDefined();
      } else {
        expect(definition.inputs.length, definition.type).toBeGreaterThan(0);
        expect(definition.trigger, definition.type).toBeUndefined();
      }
      expect(definition.outputs.length, definition.type).toBeGreaterThan(0);
      expect(new Set(definition.outputs).size).toBe(definition.outputs.length);
    }
  });

  it('describes every node type for the palette and has a sane retry policy', () => {
    for (const definition of definitions) {
      expect(definition.label.trim(), definition.type).not.toBe('');
      expect(definition.description.trim(), definition.type).not.toBe('');
      expect(definition.icon.trim(), definition.type).not.toBe('');
      expect(Number.isInteger(definition.version) && definition.version >= 1).toBe(true);
      const { maxAttempts, backoffMs, maxBackoffMs } = definition.retry;
      expect(maxAttempts).toBeGreaterThanOrEqual(1);
      expect(backoffMs).toBeLessThanOrEqual(maxBackoffMs);
    }
  });

  it('only retries node types that touch the outside world', () => {
    for (const definition of definitions) {
      if (!definition.sideEffects) expect(definition.retry.maxAttempts, definition.type).toBe(1);
    }
    expect(catalogue.get('connector.http')!.retry.maxAttempts).toBeGreaterThan(1);
  });

  it.each(definitions.map((d) => [d.type, d] as const))('converts the params of %s to JSON Schema for the editor', (_, definition) => {
    const schema = z.toJSONSchema(definition.params, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    expect(schema.type).toBe('object');
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it('carries the .describe() texts into the JSON Schema', () => {
    const schema = z.toJSONSchema(catalogue.get('connector.http')!.params, { io: 'input', unrepresentable: 'any' }) as {
      properties: Record<string, { description?: string; default?: unknown }>;
      required?: string[];
    };
    expect(schema.properties.url!.description).toMatch(/address to call/);
    expect(schema.properties.method!.default).toBe('GET');
    expect(schema.required).toEqual(['url']);
  });

  it('keeps run.ts and node built-ins out of the browser catalogue', () => {
    const index = resolve(here, 'index.ts');
    const indexText = readFileSync(index, 'utf8');
    expect(indexText).not.toMatch(/run(\.ts)?['"]/);
    const closure = [...importClosure(index)];
    expect(closure.length).toBeGreaterThan(10); // the scan really follows imports
    expect(closure.filter((file) => /[\\/]run\.ts$/.test(file) || file.endsWith('server.ts'))).toEqual([]);
    for (const file of closure) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/from\s+['"]node:/);
    }
  });

  it('gives the editor every node type\'s words without definitions, runs, zod or node built-ins', () => {
    const closure = [...importClosure(resolve(here, 'words.ts'))];
    const words = closure.filter((file) => /[\\/]words\.[a-z]{2,3}(-[A-Za-z0-9]+)*\.ts$/.test(file));
    expect(words.length).toBe(definitions.length * NODE_LANGUAGES.length); // the scan really follows imports
    expect(closure.filter((file) => /[\\/](definition|run)\.ts$/.test(file) || file.endsWith('server.ts') || file.endsWith('index.ts'))).toEqual([]);
    for (const file of closure) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/from\s+['"]node:/);
      // Types from zod cost nothing; a value import would put zod into the editor's first load.
      expect(text, file).not.toMatch(/^import (?!type )[^;]*from\s+['"]zod['"]/m);
    }
  });

  it('lets the server catalogue import every run.ts (the scan can tell them apart)', () => {
    const runs = [...importClosure(resolve(here, 'server.ts'))].filter((file) => /[\\/]run\.ts$/.test(file));
    expect(runs.length).toBe(serverNodes.length);
  });

  it('builds a catalogue keyed by type id', () => {
    const only = catalogueOf([catalogue.get('logic.noop')!]);
    expect([...only.keys()]).toEqual(['logic.noop']);
  });
});
