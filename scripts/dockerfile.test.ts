/**
 * The Dockerfile, replayed without Docker: each stage gets a folder of its own standing
 * for the image's file system; its COPY steps copy exactly what they name from the build
 * context (the checkout less .dockerignore), its RUN steps run there (pnpm from the
 * toolchain in place of the image's), and the last stage's CMD starts Junction, which
 * must serve the editor the first stage built. A file the image needs but the Dockerfile
 * does not copy fails here as it would fail `docker build`.
 *
 * What it cannot see: the base image itself (its Node.js version is checked against the
 * toolchain's) and the steps that set up the image's own folders and user. Where an image
 * builder (buildah, podman, or docker with its engine) and the base images are at hand,
 * a second test builds the image for real; it pulls nothing, and skips where they are not.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import dockerignore from '@balena/dockerignore';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../server/src/db/testing/database.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where the image's WORKDIR and absolute paths land: `<stage folder>/<path>`. */
const scratch = mkdtempSync(join(tmpdir(), 'junction-docker-'));
let database: TestDatabase | undefined;

afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await database?.drop();
});

interface Stage {
  name: string;
  image: string;
  /** The stage's file system. */
  root: string;
  workdir: string;
  env: Record<string, string>;
  cmd: string[] | null;
}

// A CommonJS module: its factory is also its own `default`, which is what TypeScript sees.
const ignored = dockerignore.default().add(existsSync(join(ROOT, '.dockerignore')) ? readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n') : []);

/** The build context's files under `path` (relative, with forward slashes), as `docker build` sends them. */
function contextFiles(path: string): string[] {
  const absolute = join(ROOT, path);
  if (!existsSync(absolute)) return [];
  if (!statSync(absolute).isDirectory()) return ignored.ignores(path) ? [] : [path];
  const found: string[] = [];
  for (const entry of readdirSync(absolute, { withFileTypes: true })) {
    const child = posix.join(path, entry.name);
    if (ignored.ignores(child)) continue;
    if (entry.isDirectory()) found.push(...contextFiles(child));
    else found.push(child);
  }
  return found;
}

/** Where a path of the image (absolute, or relative to WORKDIR) is in the stage's folder. */
function inStage(stage: Stage, path: string): string {
  return join(stage.root, posix.isAbsolute(path) ? path : posix.join(stage.workdir, path));
}

function copy(stage: Stage, instruction: Instruction, stages: Map<string, Stage>): void {
  const args = instruction.getArguments().map((argument) => argument.getValue());
  const from = (instruction as unknown as { getFromFlag(): { getValue(): string | null } | null }).getFromFlag()?.getValue();
  const destination = args.pop()!;
  const intoFolder = destination.endsWith('/') || args.length > 1;
  for (const source of args) {
    if (/[*?[]/.test(source)) throw new Error(`COPY ${source}: the replay does not handle wildcards yet`);
    if (from) {
      const other = stages.get(from);
      if (!other) throw new Error(`COPY --from=${from}: no earlier stage has that name`);
      const path = inStage(other, source);
      if (!existsSync(path)) throw new Error(`COPY --from=${from} ${source}: the stage "${from}" has no such file`);
      cpSync(path, intoFolder && !statSync(path).isDirectory() ? join(inStage(stage, destination), posix.basename(source)) : inStage(stage, destination), { recursive: true });
      continue;
    }
    const path = posix.normalize(source).replace(/^\.\/|\/$/g, '') || '.';
    const files = contextFiles(path);
    if (files.length === 0) throw new Error(`COPY ${source}: not in the build context (missing, or left out by .dockerignore)`);
    const isFolder = statSync(join(ROOT, path)).isDirectory();
    for (const file of files) {
      const target = isFolder ? posix.join(destination, posix.relative(path, file)) : intoFolder ? posix.join(destination, posix.basename(file)) : destination;
      mkdirSync(dirname(inStage(stage, target)), { recursive: true });
      cpSync(join(ROOT, file), inStage(stage, target));
    }
  }
}

/** The toolchain's pnpm, standing in for the one the Dockerfile installs into the image: the same version. */
function pnpmShim(version: string, bin: string): void {
  const pnpm = join(ROOT, '.toolchain', `pnpm-${version}`, 'bin', 'pnpm.cjs');
  if (!existsSync(pnpm)) throw new Error(`The Dockerfile installs pnpm ${version}, the toolchain has not fetched that version (${pnpm})`);
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'pnpm'), `#!/bin/sh\nexec "${process.execPath}" "${pnpm}" "$@"\n`);
  chmodSync(join(bin, 'pnpm'), 0o755);
}

function run(stage: Stage, command: string, bin: string, store: string): void {
  const tool = /^npm install -g (\S+)@(\S+)$/.exec(command);
  if (tool) {
    if (tool[1] !== 'pnpm') throw new Error(`RUN ${command}: the replay knows how to stand in for pnpm only`);
    pnpmShim(tool[2]!, bin);
    return;
  }
  // The image's own folders and their owner: nothing to build.
  if (/^(mkdir -p \/\S+|chown \S+ \/\S+)( && (mkdir -p \/\S+|chown \S+ \/\S+))*$/.test(command)) return;
  if (!command.startsWith('pnpm ')) throw new Error(`RUN ${command}: the replay does not know how to run this; teach scripts/dockerfile.test.ts`);
  execFileSync('/bin/sh', ['-c', command], {
    cwd: inStage(stage, '.'),
    env: { PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: process.env.HOME ?? scratch, ...stage.env, npm_config_store_dir: store, npm_config_prefer_offline: 'true', CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 180_000,
  });
}

/** Replays the Dockerfile; returns its stages, last one last. */
function replay(): Stage[] {
  const dockerfile = DockerfileParser.parse(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  const stages = new Map<string, Stage>();
  const all: Stage[] = [];
  const bin = join(scratch, 'bin');
  const store = execFileSync(process.execPath, [join(ROOT, '.toolchain', `pnpm-${pnpmVersion()}`, 'bin', 'pnpm.cjs'), 'store', 'path'], { cwd: ROOT, encoding: 'utf8' }).trim();
  let stage: Stage | null = null;
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    const args = instruction.getArguments().map((argument) => argument.getValue());
    if (keyword === 'FROM') {
      const name = args[2] ?? String(all.length);
      stage = { name, image: args[0]!, root: join(scratch, `stage-${all.length}`), workdir: '/', env: {}, cmd: null };
      mkdirSync(stage.root, { recursive: true });
      stages.set(name, stage);
      all.push(stage);
      continue;
    }
    if (!stage) throw new Error(`${keyword} before any FROM`);
    const step = `${keyword} ${instruction.getRawArgumentsContent()}`;
    try {
      if (keyword === 'WORKDIR') {
        stage.workdir = posix.resolve(stage.workdir, args[0]!);
        mkdirSync(inStage(stage, '.'), { recursive: true });
      } else if (keyword === 'ENV') {
        for (const pair of args) {
          const [key, ...value] = pair.split('=');
          stage.env[key!] = value.join('=');
        }
      } else if (keyword === 'COPY') copy(stage, instruction, stages);
      else if (keyword === 'RUN') run(stage, instruction.getRawArgumentsContent()!.replace(/\\\n\s*/g, ' ').trim(), bin, store);
      else if (keyword === 'CMD') stage.cmd = (instruction as unknown as { getJSONStrings(): { getJSONValue(): string }[] }).getJSONStrings().map((s) => s.getJSONValue());
      else if (!['USER', 'EXPOSE', 'LABEL'].includes(keyword)) throw new Error(`the replay does not know ${keyword} yet`);
    } catch (error) {
      const output = (error as { stderr?: Buffer; stdout?: Buffer }).stderr ? `\n${String((error as { stdout: Buffer }).stdout).slice(-3000)}\n${String((error as { stderr: Buffer }).stderr).slice(-3000)}` : '';
      throw new Error(`Stage "${stage.name}", ${step}: ${(error as Error).message}${output}`, { cause: error });
    }
  }
  return all;
}

function pnpmVersion(): string {
  const { packageManager } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { packageManager: string };
  return packageManager.replace(/^pnpm@/, '');
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The base images the Dockerfile starts from (not its own stages). */
function baseImages(): string[] {
  const froms = DockerfileParser.parse(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).getFROMs();
  const stages = new Set(froms.map((from) => from.getBuildStage()));
  return [...new Set(froms.map((from) => from.getImage()!).filter((image) => !stages.has(image)))];
}

/** An image builder on this machine that has every base image already (a test does not pull), and how it builds. */
function imageBuilder(): { name: string; build: string[]; remove: string[] } | null {
  const builders = [
    { name: 'buildah', has: ['inspect', '--type', 'image'], build: ['bud', '--isolation', 'chroot', '--pull-never'], remove: ['rmi'] },
    { name: 'podman', has: ['image', 'inspect'], build: ['build', '--pull=never'], remove: ['rmi'] },
    { name: 'docker', has: ['image', 'inspect'], build: ['build'], remove: ['rmi'] },
  ];
  for (const builder of builders) {
    try {
      for (const image of baseImages()) execFileSync(builder.name, [...builder.has, image], { stdio: 'ignore', timeout: 30_000 });
      return builder;
    } catch {
      // Not installed, no engine to talk to, or a base image missing: the next one, or none.
    }
  }
  return null;
}

const builder = imageBuilder();

describe('the Dockerfile', () => {
  it('builds the editor and an image whose command serves it, from what it copies alone', { timeout: 300_000 }, async () => {
    const stages = replay();
    const image = stages.at(-1)!;

    // The base images carry the Node.js major the toolchain runs, and the image installs the toolchain's pnpm.
    const nodeMajor = process.versions.node.split('.')[0];
    for (const stage of stages) expect(stage.image, stage.name).toMatch(new RegExp(`^node:${nodeMajor}[.-]`));
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toContain(`pnpm@${pnpmVersion()}`);
    expect(existsSync(inStage(image, 'editor/dist/index.html'))).toBe(true);
    // Nothing of the checkout but what the image copies: no tests' or benchmarks' sources.
    expect(existsSync(inStage(image, 'bench/run.ts'))).toBe(false);

    database = await createTestDatabase({ max: 2 });
    const port = await freePort();
    const [program, ...args] = image.cmd!;
    expect(program).toBe('node');
    const junction = spawn(process.execPath, args, {
      cwd: inStage(image, '.'),
      env: { ...image.env, PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: database.url, JUNCTION_DATA_DIR: join(scratch, 'data') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let output = '';
    junction.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => junction.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 90_000;
      while (!output.includes('Junction is serving')) {
        if (junction.exitCode !== null || Date.now() > deadline) throw new Error(`the image's command did not serve; it said:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<div id="root">/);
      expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
    } finally {
      junction.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it.skipIf(!builder)(`builds with ${builder?.name ?? 'an image builder'}`, { timeout: 900_000 }, () => {
    const tag = `localhost/junction-dockerfile-test:${process.pid}`;
    try {
      execFileSync(builder!.name, [...builder!.build, '-t', tag, '-f', 'Dockerfile', '.'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], timeout: 840_000 });
    } catch (error) {
      throw new Error(`${builder!.name} could not build the image:\n${String((error as { stdout?: Buffer }).stdout ?? '').slice(-3000)}\n${String((error as { stderr?: Buffer }).stderr ?? '').slice(-3000)}`, { cause: error });
    } finally {
      try {
        execFileSync(builder!.name, [...builder!.remove, tag], { stdio: 'ignore' });
      } catch {
        // Nothing was built.
      }
    }
  });
});
