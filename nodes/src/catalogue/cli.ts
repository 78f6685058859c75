/**
 * `npm run new-node -- <category>.<name>`: writes a new node type's folder and adds it to
 * the catalogues. `npm run nodes:index`: regenerates the catalogues from the folders (after
 * adding, renaming or removing a folder by hand, or a language's words files).
 *
 * Run by scripts/toolchain.mjs under Node 24, which runs TypeScript as it is.
 */
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeIndex } from './generate.ts';
import { newNode } from './skeleton.ts';

const srcDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const [command, ...args] = process.argv.slice(2);

function fail(message: string): never {
  console.error(`junction: ${message}`);
  process.exit(1);
}

try {
  if (command === 'index') {
    const changed = writeIndex(srcDir);
    console.log(changed.length > 0 ? `Rewrote ${changed.map((file) => `nodes/src/${file}`).join(', ')}` : 'The catalogues are up to date');
  } else if (command === 'new-node') {
    if (args.length !== 1) fail('give the new node type\'s id: npm run new-node -- <category>.<name>, e.g. transform.removeDuplicates');
    const type = args[0]!;
    const { folder } = newNode(srcDir, type);
    const where = relative(process.cwd(), folder) || folder;
    console.log(`Wrote ${where}/ and added ${type} to the catalogues. Next:
  - change definition.ts (params, ports, mode, sideEffects, retry) and run.ts to do the real work
  - write its words in words.en.ts, and translate the other words.*.ts files
  - npm test -- nodes/src editor/src/i18n
See docs/nodes.md.`);
  } else {
    fail(`unknown command "${command ?? ''}": expected "new-node <category>.<name>" or "index"`);
  }
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
