/**
 * `npm run new-node` end to end, on a copy of the nodes package in the system's temporary
 * folder: the tree the other tests read is never touched (a node folder appearing in it,
 * even for a moment, would fail the catalogue tests running beside this one), and nothing
 * is left behind in it whatever happens. The copy gets the skeleton through the real
 * command, then must typecheck and pass the catalogue tests and the skeleton's own test.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skeletonFiles, typeProblem } from './skeleton.ts';

const nodesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const repo = join(nodesDir, '..');

let scratch: string;
let copy: string;

/** Runs a script (the copy's CLI, or a tool of the workspace) with this test's Node, in the copy. */
function run(args: string[], timeout = 200_000) {
  // The child is a run of its own, not a worker of this one.
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VITEST|TEST$|NODE_OPTIONS$|FORCE_COLOR$)/.test(key))), NO_COLOR: '1' };
  const result = spawnSync(process.execPath, args, { cwd: copy, env, encoding: 'utf8', timeout });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const cli = (...args: string[]) => run([join(copy, 'src', 'catalogue', 'cli.ts'), ...args]);

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'junction-new-node-'));
  copy = join(scratch, 'nodes');
  mkdirSync(copy);
  cpSync(join(nodesDir, 'src'), join(copy, 'src'), { recursive: true });
  cpSync(join(nodesDir, 'package.json'), join(copy, 'package.json'));
  // The copy resolves its packages where the workspace has them: each the nodes package names.
  const manifest = JSON.parse(readFileSync(join(nodesDir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  for (const name of Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })) {
    mkdirSync(dirname(join(copy, 'node_modules', name)), { recursive: true });
    symlinkSync(realpathSync(join(nodesDir, 'node_modules', name)), join(copy, 'node_modules', name), 'dir');
  }
  mkdirSync(join(scratch, 'node_modules'));
  for (const name of ['vitest', '@types']) symlinkSync(realpathSync(join(repo, 'node_modules', name)), join(scratch, 'node_modules', name), 'dir');
  writeFileSync(
    join(scratch, 'tsconfig.json'),
    JSON.stringify({ extends: join(repo, 'tsconfig.json'), compilerOptions: { typeRoots: [join(repo, 'node_modules', '@types')] }, include: ['nodes/src'] }),
  );
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  expect(scratch && existsSync(scratch)).toBe(false);
});

describe('npm run new-node', () => {
  // A typecheck and a test run of their own: minutes on a loaded machine.
  it('writes a node folder that typechecks, joins both catalogues and passes its own test and the catalogue checks', { timeout: 240_000 }, () => {
    const made = cli('new-node', 'transform.example');
    expect(made.output).toContain('added transform.example to the catalogues');
    expect(made.status).toBe(0);
    const folder = join(copy, 'src', 'transform', 'example');
    expect(readdirSync(folder).sort()).toEqual(['definition.ts', 'run.test.ts', 'run.ts', 'words.en.ts', 'words.zh-TW.ts']);
    expect(readFileSync(join(folder, 'definition.ts'), 'utf8')).toMatch(/\.describe\('/);
    expect(readFileSync(join(copy, 'src', 'definitions.generated.ts'), 'utf8')).toContain("from './transform/example/definition.ts'");
    expect(readFileSync(join(copy, 'src', 'runs.generated.ts'), 'utf8')).toContain('serverNode(transformExample, transformExampleRun)');
    expect(readFileSync(join(copy, 'src', 'words.generated.ts'), 'utf8')).toContain("'transform.example': transformExample_zhTW");

    const typecheck = run([join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(scratch, 'tsconfig.json'), '--noEmit']);
    expect(typecheck.output).toBe('');
    expect(typecheck.status).toBe(0);

    const tests = run([
      join(repo, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      '--root',
      copy,
      'src/transform/example/',
      'src/catalogue.test.ts',
      'src/catalogue/generate.test.ts',
      'src/words.test.ts',
    ]);
    expect(tests.output).toMatch(/Test Files\s+\S*4 passed/);
    expect(tests.output).toContain('src/transform/example/run.test.ts (2 tests)');
    expect(tests.status).toBe(0);
  });

  it('writes a trigger that has no inputs and says how it starts', { timeout: 240_000 }, () => {
    expect(cli('new-node', 'trigger.example').status).toBe(0);
    const definition = readFileSync(join(copy, 'src', 'trigger', 'example', 'definition.ts'), 'utf8');
    expect(definition).toContain('inputs: [],');
    expect(definition).toContain("trigger: { kind: 'manual' },");
    const tests = run([join(repo, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', copy, 'src/trigger/example/', 'src/catalogue.test.ts']);
    expect(tests.output).toMatch(/Test Files\s+\S*2 passed/);
  });

  it('refuses a node type that exists, or an id that cannot be one, changing nothing', () => {
    const before = readFileSync(join(copy, 'src', 'words.generated.ts'), 'utf8');
    const again = cli('new-node', 'logic.if');
    expect(again.status).toBe(1);
    expect(again.output).toContain('nodes/src/logic/if exists already');
    const bad = cli('new-node', 'shop.example');
    expect(bad.output).toContain('"shop" is not a category; use one of trigger, logic, transform, code, connector');
    expect(cli('new-node').output).toContain('npm run new-node -- <category>.<name>');
    expect(existsSync(join(copy, 'src', 'shop'))).toBe(false);
    expect(readFileSync(join(copy, 'src', 'words.generated.ts'), 'utf8')).toBe(before);
  });
});

describe('a new node type\'s id', () => {
  it.each(['transform.removeDuplicates', 'connector.shopify', 'logic.wait2'])('may be %s', (type) => {
    expect(typeProblem(type)).toBeUndefined();
  });

  it.each([
    ['example', /is not a node type id/],
    ['transform.remove-duplicates', /is not a node type id/],
    ['Transform.x', /is not a node type id/],
    ['transform.1st', /is not a node type id/],
    ['erp.order', /"erp" is not a category/],
  ])('may not be %s', (type, problem) => {
    expect(typeProblem(type)).toMatch(problem);
    expect(() => skeletonFiles(type, ['en'])).toThrow(problem);
  });

  it('gives a node its label from its name, and the other languages the English to translate', () => {
    const files = skeletonFiles('transform.removeDuplicates', ['en', 'zh-TW', 'pl']);
    expect(Object.keys(files).sort()).toEqual(['definition.ts', 'run.test.ts', 'run.ts', 'words.en.ts', 'words.pl.ts', 'words.zh-TW.ts']);
    expect(files['words.en.ts']).toContain("label: 'Remove duplicates',");
    expect(files['words.pl.ts']).toMatch(/^\/\/ Still the English words: translate them into pl/);
  });
});
