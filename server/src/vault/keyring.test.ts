/**
 * Sealing credentials: AES-256-GCM with a nonce per record, bound to the record's id;
 * keys from the environment or the data folder; rotation by the CLI in both modes.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCommand } from '../cli.ts';
import { loadConfig } from '../config.ts';
import { createCredential, sealedCredential } from '../db/queries/credentials.ts';
import { openSealed } from './open.ts';
import { createTestDatabase, type TestDatabase } from '../db/testing/database.ts';
import { createUser } from '../db/queries/users.ts';
import { Listener } from '../db/listener.ts';
import { generateKey, Keyring, KEY_FILE, loadKeyring, parseKey } from './keyring.ts';
import { Redactor } from './redact.ts';

describe('Keyring', () => {
  it('seals each record with its own nonce, bound to the record', () => {
    const keyring = Keyring.generate();
    const a = keyring.seal('{"token":"same"}', 'record-a');
    const b = keyring.seal('{"token":"same"}', 'record-a');
    expect(a.sealed).not.toBe(b.sealed);
    expect(a.keyId).toBe(keyring.currentId);
    expect(keyring.open(a.keyId, a.sealed, 'record-a')).toBe('{"token":"same"}');
    expect(() => keyring.open(a.keyId, a.sealed, 'record-b')).toThrow(/integrity check/);
    const bytes = Buffer.from(a.sealed, 'base64');
    bytes[20] = bytes[20]! ^ 1;
    expect(() => keyring.open(a.keyId, bytes.toString('base64'), 'record-a')).toThrow(/integrity check/);
  });

  it('opens records of previous keys and names a key it lacks', () => {
    const old = Keyring.generate();
    const sealed = old.seal('secret', 'r');
    const fresh = new Keyring(parseKey(generateKey(), 'new'), []);
    expect(() => fresh.open(sealed.keyId, sealed.sealed, 'r')).toThrow(`sealed with encryption key ${sealed.keyId}`);
    const both = new Keyring(parseKey(generateKey(), 'new'), [(old as unknown as { keys: Map<string, Buffer> }).keys.get(old.currentId)!]);
    expect(both.open(sealed.keyId, sealed.sealed, 'r')).toBe('secret');
  });

  it('reads keys as hex or base64, and refuses anything else', () => {
    const key = generateKey();
    expect(parseKey(key, 'x').length).toBe(32);
    expect(parseKey(Buffer.from(key, 'base64').toString('hex'), 'x').equals(parseKey(key, 'x'))).toBe(true);
    expect(() => parseKey('too short', 'JUNCTION_ENCRYPTION_KEY')).toThrow(/JUNCTION_ENCRYPTION_KEY must be a 32-byte key/);
  });

  it('generates its key into the data folder once, readable by its owner only, and says to back it up', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'junction-keys-'));
    try {
      const warn = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const first = await loadKeyring(loadConfig({ JUNCTION_DATA_DIR: dataDir }));
      const warned = warn.mock.calls.map((call) => String(call[0])).join('');
      warn.mockRestore();
      expect(warned).toMatch(/generated the encryption key for credentials into .*: back it up together with the database/);
      expect(statSync(join(dataDir, KEY_FILE)).mode & 0o777).toBe(0o600);
      const second = await loadKeyring(loadConfig({ JUNCTION_DATA_DIR: dataDir }));
      expect(second.currentId).toBe(first.currentId);
      const fromEnv = await loadKeyring(loadConfig({ JUNCTION_DATA_DIR: dataDir, JUNCTION_ENCRYPTION_KEY: generateKey() }));
      expect(fromEnv.currentId).not.toBe(first.currentId);
      expect(fromEnv.source).toBe('environment');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('Redactor', () => {
  it('replaces each secret, in any string or key, with a marker that does not tell its length', () => {
    const redactor = new Redactor();
    redactor.add('s3cr3t-value');
    redactor.add('abc'); // too short to scrub without mangling text
    expect(redactor.scrub({ a: 'x s3cr3t-value y', 'key-s3cr3t-value': ['s3cr3t-value'], n: 1, abc: 'abc' })).toEqual({
      a: 'x [redacted] y',
      'key-[redacted]': ['[redacted]'],
      n: 1,
      abc: 'abc',
    });
    redactor.add('with "quotes" & space');
    expect(redactor.text(JSON.stringify({ echoed: 'with "quotes" & space' }))).toBe('{"echoed":"[redacted]"}');
    expect(redactor.text(`?q=${encodeURIComponent('with "quotes" & space')}`)).toBe('?q=[redacted]');
  });
});

describe('rotate-key', () => {
  let database: TestDatabase;
  let dataDir: string;
  let ownerId: string;

  beforeAll(async () => {
    database = await createTestDatabase({ max: 4 });
    dataDir = mkdtempSync(join(tmpdir(), 'junction-rotate-'));
    ownerId = (await createUser(database.db, { email: 'o@junction.test', name: 'O', role: 'owner', passwordHash: 'x' })).id;
  });

  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const quietly = async (work: () => Promise<void>) => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await work();
      return out.mock.calls.map((call) => String(call[0])).join('');
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  };

  it('with the key file: a new key seals every credential and the old key is dropped', async () => {
    const config = loadConfig({ DATABASE_URL: database.url, JUNCTION_DATA_DIR: dataDir });
    const before = await quietly(async () => void (await loadKeyring(config)));
    expect(before).toBe('');
    const old = await loadKeyring(config);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await createCredential(database.db, old, { name: `c${i}`, type: 'httpBearer', ownerId, data: { token: `token-${i}`, allowedHosts: [] }, sharedWith: [] })).id);
    }
    const printed = await quietly(() => runCommand('rotate-key', [], config));
    expect(printed).toMatch(/Re-sealed 3 credential\(s\) with the new key/);

    const rotated = await loadKeyring(config);
    expect(rotated.currentId).not.toBe(old.currentId);
    expect(readFileSync(join(dataDir, KEY_FILE), 'utf8').trim().split('\n').filter((line) => !line.startsWith('#'))).toHaveLength(1);
    const keyIds = (await database.pool.query('select distinct key_id from credentials')).rows.map((row) => row.key_id);
    expect(keyIds).toEqual([rotated.currentId]);
    for (const [i, id] of ids.entries()) expect(openSealed(rotated, (await sealedCredential(database.pool, id))!).data).toEqual({ token: `token-${i}`, allowedHosts: [] });
    const sealed = (await sealedCredential(database.pool, ids[0]!))!;
    expect(() => openSealed(old, sealed)).toThrow(/does not have/);
  });

  it('with the key file: refuses while a Junction is running against the database, changing nothing', async () => {
    const config = loadConfig({ DATABASE_URL: database.url, JUNCTION_DATA_DIR: dataDir });
    const keyFile = readFileSync(join(dataDir, KEY_FILE), 'utf8');
    const sealed = (await database.pool.query('select id, key_id, sealed from credentials order by id')).rows;
    // What every Junction process holds while it serves: its listening connection.
    const running = new Listener(database.url);
    await running.start(['junction_run_finished']);
    try {
      await expect(quietly(() => runCommand('rotate-key', [], config))).rejects.toThrow(/^Junction is running against this database \(1 process\(es\)\)\. Stop every Junction process first/);
    } finally {
      await running.stop();
    }
    expect(readFileSync(join(dataDir, KEY_FILE), 'utf8')).toBe(keyFile);
    expect((await database.pool.query('select id, key_id, sealed from credentials order by id')).rows).toEqual(sealed);
  });

  it('with JUNCTION_ENCRYPTION_KEY: re-seals what the previous key sealed', async () => {
    await database.pool.query('delete from credentials');
    const previous = generateKey();
    const next = generateKey();
    const oldRing = new Keyring(parseKey(previous, 'previous'));
    const id = (await createCredential(database.db, oldRing, { name: 'env', type: 'hmacSecret', ownerId, data: { secret: 'env-secret-1' }, sharedWith: [] })).id;
    const config = loadConfig({ DATABASE_URL: database.url, JUNCTION_DATA_DIR: dataDir, JUNCTION_ENCRYPTION_KEY: next, JUNCTION_ENCRYPTION_KEY_PREVIOUS: previous });
    const printed = await quietly(() => runCommand('rotate-key', [], config));
    expect(printed).toMatch(/remove JUNCTION_ENCRYPTION_KEY_PREVIOUS/);
    const newRing = new Keyring(parseKey(next, 'next'));
    expect(openSealed(newRing, (await sealedCredential(database.pool, id))!).data).toEqual({ secret: 'env-secret-1' });
  });
});
