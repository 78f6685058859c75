/**
 * isolated-vm before 7.0.1 has a guest-to-host escape (GHSA-864f-rcv7-6rh4: ExternalCopy
 * transfer lists reachable through a Reference). Junction refuses to start with one.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export const MIN_ISOLATED_VM = '7.0.1';
const MIN_NODE_MAJOR = 24;

function parts(version: string): [number, number, number] {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) throw new Error(`"${version}" is not a version number`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** Whether `version` is at least `minimum` (major.minor.patch; pre-release tags ignored). */
export function atLeast(version: string, minimum: string): boolean {
  const a = parts(version);
  const b = parts(minimum);
  for (let i = 0; i < 3; i++) if (a[i]! !== b[i]!) return a[i]! > b[i]!;
  return true;
}

/** The installed isolated-vm's version, read from its package.json without loading it. */
export function installedIsolatedVm(): string {
  const require = createRequire(import.meta.url);
  const manifest = JSON.parse(readFileSync(require.resolve('isolated-vm/package.json'), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string') throw new Error('isolated-vm/package.json has no version');
  return manifest.version;
}

/** Throws a readable error when this Node or isolated-vm must not run user code. */
export function assertSandboxRuntime(isolatedVm = installedIsolatedVm(), node = process.versions.node): void {
  if (!atLeast(isolatedVm, MIN_ISOLATED_VM)) {
    throw new Error(
      `isolated-vm ${isolatedVm} is installed, but Junction needs ${MIN_ISOLATED_VM} or newer: older versions let sandboxed code reach the host (GHSA-864f-rcv7-6rh4). Reinstall the dependencies.`,
    );
  }
  if (parts(node)[0] < MIN_NODE_MAJOR) throw new Error(`The sandbox needs Node.js ${MIN_NODE_MAJOR} or newer; this is ${node}`);
}
