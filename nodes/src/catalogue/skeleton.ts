/**
 * What `npm run new-node -- <category>.<name>` writes: a node type that works and whose
 * test passes, to be changed into the real thing. It writes a field of each item, with one
 * param checked by a message of its own, so every part of the contract has an example.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_CATEGORIES } from '../sdk/types.ts';
import { findNodeFolders, writeIndex, type GeneratedFile } from './generate.ts';

/** `removeDuplicates` → `Remove duplicates`. */
function humanize(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Why `type` cannot name a new node type, or undefined. */
export function typeProblem(type: string): string | undefined {
  const m = /^([a-z]+)\.([a-zA-Z][a-zA-Z0-9]*)$/.exec(type);
  if (!m) return `"${type}" is not a node type id: write it as <category>.<name>, e.g. transform.removeDuplicates (letters and digits)`;
  if (!(NODE_CATEGORIES as readonly string[]).includes(m[1]!)) return `"${m[1]}" is not a category; use one of ${NODE_CATEGORIES.join(', ')}`;
  return undefined;
}

/** The files of a new node type's folder, by file name. */
export function skeletonFiles(type: string, languages: readonly string[]): Record<string, string> {
  const problem = typeProblem(type);
  if (problem) throw new Error(problem);
  const [category, name] = type.split('.') as [string, string];
  const trigger = category === 'trigger';
  const mode = trigger ? 'allItems' : 'perItem';

  const definition = `import { z } from 'zod';
import { defineNode, FieldPath, nodeMessages } from '../../sdk/index.ts';
import { words } from './words.en.ts';

const say = nodeMessages('${type}', words.messages);

/** The params: the form, the check on save and the type \`run\` gets, in one schema. */
export const Params = z
  .object({
    field: FieldPath.describe('The field to write on each item; use dots for nested fields, e.g. "order.status".'),
    value: z.string().max(1000, say.check('valueTooLong')).default('').describe('The text written into it.'),
  })
  .strict();
export type Params = z.infer<typeof Params>;

export const definition = defineNode({
  type: '${type}',
  version: 1,
  label: words.label,
  description: words.description,
  icon: 'box',
  category: '${category}',
  inputs: [${trigger ? '' : "'main'"}],
  outputs: ['main'],
  params: Params,
  mode: '${mode}',
  sideEffects: false,${trigger ? "\n  // How runs of this trigger start: the runtime knows 'manual' and 'webhook'.\n  trigger: { kind: 'manual' }," : ''}
});
`;

  const run = trigger
    ? `import { setField, type AllItemsRun } from '../../sdk/index.ts';
import type { Params } from './definition.ts';

/** The runtime hands a trigger the run's input items; this one writes the field on each. */
export const run: AllItemsRun<Params> = ({ params, items }) => ({
  main: items.map((item) => {
    const json = structuredClone(item.json);
    setField(json, params.field, params.value);
    return { json };
  }),
});
`
    : `import { setField, type PerItemRun } from '../../sdk/index.ts';
import type { Params } from './definition.ts';

export const run: PerItemRun<Params> = ({ params, item }) => {
  const json = structuredClone(item.json);
  setField(json, params.field, params.value);
  return { main: [{ json }] };
};
`;

  const call = trigger
    ? `run(allItemsContext(definition, { field: 'order.status', value: 'checked' }, [{ json: { order: { id: 7 } } }]))`
    : `run(itemContext(definition, { field: 'order.status', value: 'checked' }, { json: { order: { id: 7 } } }))`;
  const test = `import { describe, expect, it } from 'vitest';
import { nodeMessageOf } from '../../sdk/index.ts';
import { ${trigger ? 'allItemsContext' : 'itemContext'} } from '../../sdk/testing.ts';
import { definition, Params } from './definition.ts';
import { run } from './run.ts';

describe('${type}', () => {
  it('writes the value into the field of each item', async () => {
    expect(await ${call}).toEqual({
      main: [{ json: { order: { id: 7, status: 'checked' } } }],
    });
  });

  it('refuses a value that is too long with its own message, by key', () => {
    const result = Params.safeParse({ field: 'status', value: 'x'.repeat(1001) });
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect(issue.message).toBe('The value is at most 1,000 characters');
    expect(nodeMessageOf(issue)).toEqual({ key: '${type}.valueTooLong', params: {} });
  });
});
`;

  const wordsBody = `{
  label: '${humanize(name)}',
  description: 'Writes a value into a field of each item.',
  params: {
    field: { label: 'Field', help: 'Use dots for nested fields, e.g. “order.status”.' },
    value: { label: 'Value', help: 'The text written into the field.' },
  },
  messages: {
    valueTooLong: 'The value is at most 1,000 characters',
  },
}`;

  const files: Record<string, string> = {
    'definition.ts': definition,
    'run.ts': run,
    'run.test.ts': test,
    'words.en.ts': `import type { NodeWords } from '../../sdk/words.ts';\n\nexport const words = ${wordsBody} as const satisfies NodeWords;\n`,
  };
  for (const language of languages.filter((l) => l !== 'en')) {
    files[`words.${language}.ts`] = `// Still the English words: translate them into ${language} (the editor's tests fail until they are).
import type { Translation } from '../../sdk/words.ts';
import type { words as en } from './words.en.ts';

export const words: Translation<typeof en> = ${wordsBody};
`;
  }
  return files;
}

/**
 * Writes the folder of a new node type under `srcDir` (nodes/src), in every language the
 * node types speak, and refreshes the generated catalogues.
 *
 * @returns the folder written and the generated modules that changed
 */
export function newNode(srcDir: string, type: string): { folder: string; index: GeneratedFile[] } {
  const problem = typeProblem(type);
  if (problem) throw new Error(problem);
  const [category, name] = type.split('.') as [string, string];
  const folder = join(srcDir, category, name);
  if (existsSync(folder)) throw new Error(`nodes/src/${category}/${name} exists already: choose another name`);
  const languages = [...new Set(['en', ...findNodeFolders(srcDir).flatMap((f) => f.languages)])];
  const files = skeletonFiles(type, languages);
  mkdirSync(folder, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(folder, file), text);
  return { folder, index: writeIndex(srcDir) };
}
