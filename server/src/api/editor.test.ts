import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiDeps } from './app.ts';
import { createApp } from './app.ts';
import { Keyring } from '../vault/keyring.ts';

let dist: string;
let app: ReturnType<typeof createApp>;
// Only the editor's routes are exercised (public, before any session lookup): no database call is made.
const deps = (editorDir: string) =>
  ({ bodyLimit: 1024, editorDir, security: { keyring: Keyring.generate(), sessionTtlMs: 3_600_000, sessionIdleMs: 3_600_000, trustProxy: false, webhookRateLimit: 0 } }) as unknown as ApiDeps;

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'junction-editor-'));
  await mkdir(join(dist, 'assets'));
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>Junction</title><div id="root"></div>');
  await writeFile(join(dist, 'assets', 'index-abc123.js'), 'console.log("editor")'.repeat(100));
  await writeFile(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  app = createApp(deps(dist));
});
afterAll(async () => {
  await rm(dist, { recursive: true, force: true });
});

describe('the editor at /', () => {
  it('serves index.html at / and for the editor\'s own routes, revalidated on every load', async () => {
    for (const path of ['/', '/workflows', '/workflows/0199b1c2-6f1e-7cc1-a1b2-3c4d5e6f7a8b', '/runs?status=failed']) {
      const response = await app.request(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self';");
      expect(await response.text()).toContain('<div id="root">');
    }
  });

  it('serves hashed assets for a year, compressed when asked', async () => {
    const response = await app.request('/assets/index-abc123.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect((await app.request('/favicon.svg')).headers.get('content-type')).toContain('image/svg+xml');
  });

  it('never answers API or webhook paths with the editor', async () => {
    const api = await app.request('/api/nothing-here');
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'not_found' } });
    const missingAsset = await app.request('/assets/index-old999.js');
    expect(missingAsset.status).toBe(404);
    expect(missingAsset.headers.get('content-type')).toContain('application/json');
  });

  it('refuses paths that climb out of the build', async () => {
    const response = await app.request('/..%2f..%2fetc%2fpasswd');
    expect(await response.text()).not.toContain('root:');
  });

  it('explains how to build the editor when there is no build', async () => {
    const unbuilt = createApp(deps(join(dist, 'missing')));
    const response = await unbuilt.request('/workflows');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('npm run build');
  });
});
