#!/usr/bin/env node
// The entry point behind `npm start` and `npm test`.
//
// It must run on whatever Node.js the host has (Node 20 included), so it is plain
// JavaScript with no dependencies. It makes sure Junction's own toolchain is present —
// Node.js 24 (fetched from the npm registry as the official `node-<os>-<arch>` build when
// the host's Node is older), pnpm, and the workspace's dependencies — and then runs the
// requested command under Node 24.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, renameSync, readdirSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureEditorBuilt } from './editor-build.mjs';

const NODE_VERSION = '24.21.0';
const PNPM_VERSION = '10.34.9';
const MIN_NODE_MAJOR = 24;

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const toolchainDir = join(root, '.toolchain');

const commands = {
  start: { args: ['--no-node-snapshot', 'server/src/main.ts'], ownGroup: true, editor: true },
  build: { editor: true, force: true },
  test: { args: ['--no-node-snapshot', 'node_modules/vitest/vitest.mjs', 'run'] },
  bench: { args: ['--no-node-snapshot', 'bench/run.ts'] },
  faults: { args: ['--no-node-snapshot', 'faults/run.ts'] },
  typecheck: {
    before: [['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']],
    args: ['node_modules/typescript/bin/tsc', '-p', 'editor/tsconfig.json', '--noEmit'],
  },
  'db:generate': { args: ['server/node_modules/drizzle-kit/bin.cjs', 'generate', '--config', 'server/drizzle.config.ts'] },
  'new-node': { args: ['nodes/src/catalogue/cli.ts', 'new-node'] },
  'nodes:index': { args: ['nodes/src/catalogue/cli.ts', 'index'] },
};

function fail(message) {
  console.error(`junction: ${message}`);
  process.exit(1);
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) fail(`could not run ${cmd}: ${result.error.message}`);
  if (result.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

/** Runs the host's npm (the one that started us when we were started through npm). */
function hostNpm(args, options) {
  const npmCli = process.env.npm_execpath;
  if (npmCli && npmCli.endsWith('.js')) return run(process.execPath, [npmCli, ...args], options);
  return run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { shell: process.platform === 'win32', ...options });
}

/** Fetches a package tarball from the npm registry and unpacks it into `.toolchain/<dir>`. */
function fetchPackage(spec, dir) {
  const target = join(toolchainDir, dir);
  if (existsSync(join(target, 'package.json'))) return target;
  const download = join(toolchainDir, 'download');
  rmSync(download, { recursive: true, force: true });
  mkdirSync(download, { recursive: true });
  console.error(`junction: fetching ${spec} from the npm registry (once)`);
  hostNpm(['pack', spec, '--silent', '--pack-destination', download], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = readdirSync(download).find((f) => f.endsWith('.tgz'));
  if (!tarball) fail(`npm pack ${spec} produced no tarball`);
  run('tar', ['-xzf', join(download, tarball), '-C', download]);
  rmSync(target, { recursive: true, force: true });
  renameSync(join(download, 'package'), target);
  rmSync(download, { recursive: true, force: true });
  return target;
}

function nodeBinary() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= MIN_NODE_MAJOR) return process.execPath;
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const dir = fetchPackage(`node-${platform}-${process.arch}@${NODE_VERSION}`, `node-${NODE_VERSION}`);
  const bin = process.platform === 'win32' ? join(dir, 'bin', 'node.exe') : join(dir, 'bin', 'node');
  if (!existsSync(bin)) fail(`the Node.js ${NODE_VERSION} package has no ${bin}`);
  return bin;
}

function installFingerprint() {
  const hash = createHash('sha256');
  const patches = existsSync(join(root, 'patches')) ? readdirSync(join(root, 'patches')).sort().map((f) => `patches/${f}`) : [];
  for (const file of ['pnpm-lock.yaml', 'package.json', 'pnpm-workspace.yaml', 'server/package.json', 'nodes/package.json', 'editor/package.json', 'bench/package.json', 'faults/package.json', ...patches]) {
    const path = join(root, file);
    hash.update(file).update(existsSync(path) ? readFileSync(path) : '');
  }
  return hash.digest('hex');
}

function ensureDependencies(node, env) {
  const marker = join(root, 'node_modules', '.junction-installed');
  const fingerprint = installFingerprint();
  if (existsSync(marker) && readFileSync(marker, 'utf8') === fingerprint) return;
  const pnpm = join(fetchPackage(`pnpm@${PNPM_VERSION}`, `pnpm-${PNPM_VERSION}`), 'bin', 'pnpm.cjs');
  const frozen = existsSync(join(root, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
  console.error('junction: installing dependencies with pnpm');
  run(node, [pnpm, 'install', ...frozen], { env });
  writeFileSync(marker, fingerprint);
}

const name = process.argv[2];
const command = commands[name];
if (!command) fail(`unknown command "${name}"; expected one of ${Object.keys(commands).join(', ')}`);

const node = nodeBinary();
const env = { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` };
ensureDependencies(node, env);
for (const step of command.before ?? []) run(node, step, { env });
if (command.editor) {
  try {
    ensureEditorBuilt({ root, node, env, force: command.force });
  } catch (error) {
    fail(error.message);
  }
}
if (!command.args) process.exit(0);

// The server runs in its own process group, so Ctrl-C reaches only this wrapper, which
// passes it on: the server then stops in order (runs handed back, embedded PostgreSQL
// shut down last) instead of everything in the group getting the signal at once.
const child = spawn(node, [...command.args, ...process.argv.slice(3)], {
  stdio: 'inherit',
  cwd: root,
  env,
  detached: Boolean(command.ownGroup),
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (command.ownGroup) child.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal);
  });
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 1 : 1)));
