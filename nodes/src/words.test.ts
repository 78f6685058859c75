import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definitions } from './index.ts';
import { NODE_LANGUAGES, nodeWords, type NodeWords } from './words.ts';

const here = dirname(fileURLToPath(import.meta.url));
const folderOf = (type: string) => join(here, ...type.split('.'));

interface JsonSchema {
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
}

/** Every property name anywhere in a schema, and the choices each offers (enum values, a union member's `const` tag). */
function propertiesOf(schema: JsonSchema, found = new Map<string, Set<string>>(), name = ''): Map<string, Set<string>> {
  const choices = (key: string) => found.get(key) ?? found.set(key, new Set()).get(key)!;
  if (name && schema.enum) for (const value of schema.enum) choices(name).add(String(value));
  for (const member of [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) propertiesOf(member, found, name);
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    choices(key);
    if (property.const !== undefined) choices(key).add(String(property.const));
    propertiesOf(property, found, key);
  }
  if (schema.items) propertiesOf(schema.items, found, name);
  return found;
}

const jsonSchemaOf = (params: z.ZodType) => z.toJSONSchema(params, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

/** `[path, text]` of every string in a node's words. */
function leaves(value: object, prefix = ''): [string, string][] {
  return Object.entries(value).flatMap(([key, inner]) => (typeof inner === 'string' ? [[`${prefix}${key}`, inner] as [string, string]] : leaves(inner as object, `${prefix}${key}.`)));
}
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('node words', () => {
  it('come in every language for every node type, English among them', () => {
    expect(NODE_LANGUAGES).toContain('en');
    for (const language of NODE_LANGUAGES) {
      expect(Object.keys(nodeWords[language] ?? {}).sort(), language).toEqual(definitions.map((d) => d.type).sort());
    }
  });

  it.each(definitions.map((d) => [d.type, d] as const))('of %s say everything the English says, with the same placeholders', (type) => {
    const english = new Map(leaves(nodeWords.en![type]!));
    for (const language of NODE_LANGUAGES) {
      const other = new Map(leaves(nodeWords[language]![type]!));
      expect([...other.keys()].sort(), language).toEqual([...english.keys()].sort());
      for (const [key, text] of other) {
        expect(text.trim(), `${language} ${key}`).not.toBe('');
        expect(placeholders(text), `${language} ${key}`).toEqual(placeholders(english.get(key)!));
      }
    }
  });

  it.each(definitions.map((d) => [d.type, d] as const))('of %s name its own params and choices, and label every top-level param', (type, definition) => {
    const words: NodeWords = nodeWords.en![type]!;
    const schema = jsonSchemaOf(definition.params);
    const properties = propertiesOf(schema);
    expect(definition.label).toBe(words.label);
    expect(definition.description).toBe(words.description);
    // Words for a param that does not exist are a typo or a leftover.
    expect(Object.keys(words.params ?? {}).filter((key) => !properties.has(key))).toEqual([]);
    for (const [property, names] of Object.entries(words.options ?? {})) {
      expect(Object.keys(names).filter((value) => !properties.get(property)?.has(value)), `${type} options.${property}`).toEqual([]);
    }
    expect(Object.keys(schema.properties ?? {}).filter((key) => !words.params?.[key]?.label)).toEqual([]);
  });

  it('name every choice a node type offers, so a select never shows a code (HTTP methods are their own names)', () => {
    // The webhook's `auth` is drawn by the editor's own form (editor/src/inspector/webhook.tsx), in words of its own.
    const drawnApart = new Set(['trigger.webhook.auth']);
    const unnamed: string[] = [];
    for (const definition of definitions) {
      const schema = jsonSchemaOf(definition.params);
      const offered = new Map<string, Set<string>>();
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        if (!drawnApart.has(`${definition.type}.${key}`)) for (const [name, values] of propertiesOf(property, new Map(), key)) offered.set(name, new Set([...(offered.get(name) ?? []), ...values]));
      }
      for (const language of NODE_LANGUAGES) {
        const options = nodeWords[language]![definition.type]!.options ?? {};
        for (const [property, values] of offered) {
          if (property === 'method') continue;
          for (const value of values) if (!options[property]?.[value]) unnamed.push(`${language} ${definition.type}.options.${property}.${value}`);
        }
      }
    }
    expect(unnamed).toEqual([]);
  });

  it('hold only the messages their definitions raise, keyed by plain names', () => {
    for (const definition of definitions) {
      const source = readdirSync(folderOf(definition.type))
        .filter((file) => file.endsWith('.ts') && !/\.test\.ts$|^words\./.test(file))
        .map((file) => readFileSync(join(folderOf(definition.type), file), 'utf8'))
        .join('\n');
      for (const key of Object.keys(nodeWords.en![definition.type]!.messages ?? {})) {
        expect(key).toMatch(/^[a-zA-Z][a-zA-Z0-9]*$/);
        expect(source, `${definition.type} never raises its message "${key}"`).toMatch(new RegExp(`say\\.(check|issue|fail)\\('${key}'`));
      }
      if (/\bnodeMessages\(/.test(source)) expect(source).toContain(`nodeMessages('${definition.type}', words.messages)`);
    }
  });

  it('are where node types\' check messages come from: no definition writes one as a sentence', () => {
    const written = (text: string) => {
      const flat = text.replace(/\s+/g, ' ');
      return [
        ...flat.matchAll(/\.(?:min|max|length|regex|refine|email|url|uuid)\((?:[^()]|\([^()]*\))*?,? ?['"`]([^'"`]+)['"`],? ?\)/g),
        ...flat.matchAll(/\bmessage: ?['"`]([^'"`]+)['"`]/g),
        ...flat.matchAll(/\b(?:error|message): ?\(/g),
      ].map((m) => m[0]);
    };
    // The scan can fail: these are the ways a definition wrote its messages before.
    expect(written("z.string().min(1, 'Give the webhook a path')")).toHaveLength(1);
    expect(written("ctx.addIssue({ code: 'custom', path: ['body'], message: `A ${method} request cannot have a body` })")).toHaveLength(1);
    expect(written("z.uuid({ message: 'Choose a credential' })")).toHaveLength(1);
    for (const definition of definitions) {
      expect(written(readFileSync(join(folderOf(definition.type), 'definition.ts'), 'utf8')), definition.type).toEqual([]);
    }
  });
});
