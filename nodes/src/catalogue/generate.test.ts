import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { NODE_LANGUAGES } from '../words.ts';
import { findNodeFolders, GENERATED_FILES, renderIndex, staleIndexFiles, writeIndex, type NodeFolder } from './generate.ts';

const srcDir = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('the generated catalogues', () => {
  it('are what the node folders give (after adding or removing a folder: npm run nodes:index)', () => {
    expect(staleIndexFiles(srcDir)).toEqual([]);
  });

  it('import every folder that holds a definition.ts: its definition, its run and its words in every language', () => {
    const folders = findNodeFolders(srcDir);
    expect(folders.length).toBeGreaterThanOrEqual(7);
    const [definitions, runs, words] = GENERATED_FILES.map((file) => readFileSync(join(srcDir, file), 'utf8'));
    for (const { category, name, languages } of folders) {
      const dir = `./${category}/${name}`;
      expect(definitions, dir).toContain(`from '${dir}/definition.ts'`);
      expect(runs, dir).toContain(`from '${dir}/run.ts'`);
      // Each has words in every language any node type speaks (the editor's test checks that is the editor's languages).
      expect(languages, dir).toEqual([...NODE_LANGUAGES]);
      for (const language of languages) expect(words, dir).toContain(`from '${dir}/words.${language}.ts'`);
    }
    expect(definitions).not.toMatch(/run\.ts/);
  });
});

describe('finding node folders', () => {
  let scratch: string | undefined;
  afterEach(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    scratch = undefined;
  });

  /** A nodes/src of its own, in the system's temporary folder, with the given files. */
  function tree(files: Record<string, string>): string {
    scratch = mkdtempSync(join(tmpdir(), 'junction-nodes-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(scratch, path)), { recursive: true });
      writeFileSync(join(scratch, path), text);
    }
    return scratch;
  }

  it('takes each <category>/<name>/ with a definition.ts, its run and its languages, and nothing else', () => {
    const dir = tree({
      'logic/b/definition.ts': '',
      'logic/b/run.ts': '',
      'logic/b/words.en.ts': '',
      'logic/b/words.zh-TW.ts': '',
      'logic/b/words.generated.ts': '',
      'code/a/definition.ts': '',
      'code/a/words.en.ts': '',
      'sdk/define.ts': '',
      'sdk/nested/helper.ts': '',
      'workflow/schema.ts': '',
    });
    expect(findNodeFolders(dir)).toEqual([
      { category: 'code', name: 'a', type: 'code.a', languages: ['en'], hasRun: false, hasPoll: false },
      { category: 'logic', name: 'b', type: 'logic.b', languages: ['en', 'zh-TW'], hasRun: true, hasPoll: false },
    ]);
  });

  it('finds a folder that was left out of the catalogues', () => {
    const files = { 'logic/one/definition.ts': '', 'logic/one/run.ts': '', 'logic/one/words.en.ts': '' };
    const dir = tree(files);
    expect(writeIndex(dir)).toEqual([...GENERATED_FILES]);
    expect(staleIndexFiles(dir)).toEqual([]);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path.replace('one', 'two'))), { recursive: true });
      writeFileSync(join(dir, path.replace('one', 'two')), text);
    }
    expect(staleIndexFiles(dir)).toEqual([...GENERATED_FILES]);
  });

  it('refuses a folder that is not a whole node type, naming it', () => {
    const folder = (over: Partial<NodeFolder>): NodeFolder => ({ category: 'logic', name: 'x', type: 'logic.x', languages: ['en'], hasRun: true, hasPoll: false, ...over });
    expect(() => renderIndex([folder({ hasRun: false })])).toThrow('nodes/src/logic/x has a definition.ts but no run.ts');
    expect(() => renderIndex([folder({ languages: ['zh-TW'] })])).toThrow('nodes/src/logic/x has no words.en.ts');
    expect(() => renderIndex([folder({ name: 'my-node', type: 'logic.my-node' })])).toThrow(/nodes\/src\/logic\/my-node: a node folder is named like its type id/);
    expect(renderIndex([folder({})])['runs.generated.ts']).toContain("serverNode(logicX, logicXRun)");
  });
});
