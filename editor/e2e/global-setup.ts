/**
 * vitest global setup for the end-to-end tests: finds Chromium and builds the editor
 * (when its sources changed since the last build) so the tests run against the real
 * build the server serves.
 *
 * Without /usr/bin/chromium (or JUNCTION_CHROMIUM) the end-to-end tests are skipped with
 * a message — except under CI=true, where a missing browser fails the run.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { ensureEditorBuilt } from '../../scripts/editor-build.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Chromium's path, or '' when there is none (the end-to-end tests skip). */
    chromium: string;
  }
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export default function setup(project: TestProject) {
  const candidate = process.env.JUNCTION_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(candidate)) {
    if (process.env.CI === 'true') {
      throw new Error(`The end-to-end tests need Chromium and there is none at ${candidate}. Install it (apt-get install -y chromium) or set JUNCTION_CHROMIUM.`);
    }
    console.warn(`\n[e2e] Skipping the editor's end-to-end tests: no Chromium at ${candidate} (apt-get install -y chromium, or set JUNCTION_CHROMIUM).\n`);
    project.provide('chromium', '');
    return;
  }
  ensureEditorBuilt({ root, node: process.execPath });
  project.provide('chromium', candidate);
}
