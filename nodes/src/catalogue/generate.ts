/**
 * The node catalogues, assembled from the node folders: every `nodes/src/<category>/<name>/`
 * that holds a `definition.ts` is a node type. Three modules are generated from them, one
 * per reader, so that each loads only what it needs:
 *
 * - `definitions.generated.ts`: every definition (browser-safe; `index.ts`)
 * - `runs.generated.ts`: every definition paired with its `run.ts` (server only; `server.ts`)
 * - `words.generated.ts`: every node type's words, by language (browser-safe, no zod; the
 *   editor's first load)
 *
 * `npm run nodes:index` (and `npm run new-node`) writes them; generate.test.ts regenerates
 * them in memory and fails when a committed one differs, so a node folder left out of the
 * catalogues fails a test. Server-side tooling: reads the disk.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface NodeFolder {
  category: string;
  name: string;
  /** `category.name`: a node type's id is its folder's place. */
  type: string;
  /** The languages of its `words.<language>.ts` files. */
  languages: string[];
  hasRun: boolean;
  /** Its run.ts also exports `poll` (a polling trigger's look at its source). */
  hasPoll: boolean;
}

export const GENERATED_FILES = ['definitions.generated.ts', 'runs.generated.ts', 'words.generated.ts'] as const;
export type GeneratedFile = (typeof GENERATED_FILES)[number];

const WORDS_FILE = /^words\.([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\.ts$/;

const directories = (dir: string) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

/** Every node folder under `srcDir` (nodes/src), ordered by type id. */
export function findNodeFolders(srcDir: string): NodeFolder[] {
  const folders: NodeFolder[] = [];
  for (const category of directories(srcDir)) {
    for (const name of directories(join(srcDir, category))) {
      const dir = join(srcDir, category, name);
      if (!existsSync(join(dir, 'definition.ts'))) continue;
      const files = readdirSync(dir);
      const languages = files.flatMap((file) => WORDS_FILE.exec(file)?.[1] ?? []).sort((a, b) => (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)));
      const hasRun = files.includes('run.ts');
      const hasPoll = hasRun && /^export (?:const|async function|function) poll\b/m.test(readFileSync(join(dir, 'run.ts'), 'utf8'));
      folders.push({ category, name, type: `${category}.${name}`, languages, hasRun, hasPoll });
    }
  }
  return folders.sort((a, b) => a.type.localeCompare(b.type));
}

/** `logic.if` → `logicIf`; `zh-TW` → `zhTW`: names for the generated imports. */
const identifier = (text: string) => text.replace(/[.-]([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase());

const HEADER = [
  '// Generated from the node folders (nodes/src/<category>/<name>/) by `npm run nodes:index`;',
  '// do not edit. nodes/src/catalogue/generate.test.ts fails when it is out of date.',
].join('\n');

/** The three generated modules for `folders`, by file name. Throws naming a folder that lacks what a node type needs. */
export function renderIndex(folders: readonly NodeFolder[]): Record<GeneratedFile, string> {
  const languages = [...new Set(folders.flatMap((folder) => folder.languages))].sort((a, b) => (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)));
  for (const folder of folders) {
    const where = `nodes/src/${folder.category}/${folder.name}`;
    if (!/^[a-z]+$/.test(folder.category) || !/^[a-zA-Z][a-zA-Z0-9]*$/.test(folder.name)) {
      throw new Error(`${where}: a node folder is named like its type id "category.name" (a category in lower case, a name of letters and digits)`);
    }
    if (!folder.hasRun) throw new Error(`${where} has a definition.ts but no run.ts`);
    if (!folder.languages.includes('en')) throw new Error(`${where} has no words.en.ts: English words are the reference every language is typed against`);
  }

  const definitionImports = folders.map((f) => `import { definition as ${identifier(f.type)} } from './${f.category}/${f.name}/definition.ts';`);
  const definitions = [
    HEADER,
    "import type { NodeDefinition } from './sdk/types.ts';",
    ...definitionImports,
    '',
    '/** Every node type\'s definition, by type id. */',
    'export const definitions: readonly NodeDefinition[] = [',
    ...folders.map((f) => `  ${identifier(f.type)},`),
    '];',
    '',
  ].join('\n');

  const runs = [
    HEADER,
    "import { serverNode, type ServerNode } from './sdk/define.ts';",
    ...definitionImports,
    ...folders.map((f) => `import { run as ${identifier(f.type)}Run${f.hasPoll ? `, poll as ${identifier(f.type)}Poll` : ''} } from './${f.category}/${f.name}/run.ts';`),
    '',
    '/** Every node type\'s definition paired with its run, by type id. */',
    'export const serverNodes: readonly ServerNode[] = [',
    ...folders.map((f) => `  serverNode(${identifier(f.type)}, ${identifier(f.type)}Run${f.hasPoll ? `, { poll: ${identifier(f.type)}Poll }` : ''}),`),
    '];',
    '',
  ].join('\n');

  const words = [
    HEADER,
    "import type { NodeWords } from './sdk/words.ts';",
    ...folders.flatMap((f) => f.languages.map((language) => `import { words as ${identifier(f.type)}_${identifier(language)} } from './${f.category}/${f.name}/words.${language}.ts';`)),
    '',
    '/** The languages node types have words in. */',
    `export const NODE_LANGUAGES = [${languages.map((language) => `'${language}'`).join(', ')}] as const;`,
    '',
    '/** Every node type\'s words: by language, then by type id. */',
    'export const nodeWords: Readonly<Record<string, Readonly<Record<string, NodeWords>>>> = {',
    ...languages.flatMap((language) => [
      `  '${language}': {`,
      ...folders.filter((f) => f.languages.includes(language)).map((f) => `    '${f.type}': ${identifier(f.type)}_${identifier(language)},`),
      '  },',
    ]),
    '};',
    '',
  ].join('\n');

  return { 'definitions.generated.ts': definitions, 'runs.generated.ts': runs, 'words.generated.ts': words };
}

function compare(srcDir: string) {
  const rendered = renderIndex(findNodeFolders(srcDir));
  const stale = GENERATED_FILES.filter((file) => {
    const path = join(srcDir, file);
    return !existsSync(path) || readFileSync(path, 'utf8') !== rendered[file];
  });
  return { rendered, stale };
}

/** The generated modules that differ from what the folders under `srcDir` give (missing ones included). */
export function staleIndexFiles(srcDir: string): GeneratedFile[] {
  return compare(srcDir).stale;
}

/** Writes the generated modules under `srcDir`; returns those that changed. */
export function writeIndex(srcDir: string): GeneratedFile[] {
  const { rendered, stale } = compare(srcDir);
  for (const file of stale) writeFileSync(join(srcDir, file), rendered[file]);
  return stale;
}
