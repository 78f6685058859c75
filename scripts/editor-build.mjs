// Builds the browser editor (editor/dist) when its sources changed or the build is
// missing. Used by `npm start`, `npm run build` and the end-to-end tests' global setup.
//
// Plain JavaScript with no dependencies (it runs before anything is installed is known
// to work). "Changed" means: the content of editor's sources, of the node catalogue the
// editor bundles (nodes/src), or of the lockfile differs from what the last build saw.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const STAMP = '.build-fingerprint';

function* filesUnder(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (!/\.test\.tsx?$/.test(entry.name)) yield path;
  }
}

/** A hash of everything the editor's build depends on. */
export function editorFingerprint(root) {
  const hash = createHash('sha256');
  const inputs = [
    ...filesUnder(join(root, 'editor', 'src')),
    ...filesUnder(join(root, 'editor', 'public')),
    ...filesUnder(join(root, 'nodes', 'src')),
    ...['editor/index.html', 'editor/vite.config.ts', 'editor/package.json', 'pnpm-lock.yaml', 'scripts/editor-build.mjs'].map((f) => join(root, f)),
  ];
  for (const file of inputs) {
    hash.update(relative(root, file)).update('\0');
    if (existsSync(file)) hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

/**
 * Builds the editor unless editor/dist is up to date. `node` is the Node.js binary to run
 * Vite with; returns true when it built.
 */
export function ensureEditorBuilt({ root, node, env = process.env, force = false, log = (m) => console.error(m) }) {
  const dist = join(root, 'editor', 'dist');
  const fingerprint = editorFingerprint(root);
  const stamp = join(dist, STAMP);
  if (!force && existsSync(join(dist, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === fingerprint) return false;
  log('junction: building the editor (editor/dist)');
  const vite = join(root, 'editor', 'node_modules', 'vite', 'bin', 'vite.js');
  // Always a production build: run from a test runner, NODE_ENV=test would give React's development build.
  const result = spawnSync(node, [vite, 'build', '--logLevel', 'warn'], {
    cwd: join(root, 'editor'),
    env: { ...env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.error) throw new Error(`could not run Vite to build the editor: ${result.error.message}`, { cause: result.error });
  if (result.status !== 0) throw new Error(`building the editor failed (vite exited with ${result.status ?? result.signal})`);
  writeFileSync(stamp, fingerprint);
  return true;
}
