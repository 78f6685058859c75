/**
 * The keys credentials are sealed with: AES-256-GCM, a random 96-bit nonce per record,
 * the record's id as additional data (a sealed value copied onto another record does not
 * open), and the key's id stored beside each record so keys can be rotated.
 *
 * Keys come from `JUNCTION_ENCRYPTION_KEY` (32 bytes as 64 hex digits or base64), with
 * older keys still needed for reading in `JUNCTION_ENCRYPTION_KEY_PREVIOUS`
 * (comma-separated). Without it, Junction keeps its keys in `<data folder>/encryption-keys`
 * (one per line, the current one first), generating the first one on first start.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { log } from '../log.ts';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_FILE = 'encryption-keys';

export class KeyringError extends Error {
  override name = 'KeyringError';
}

/** Reads a key written as 64 hex digits or as base64 / base64url of 32 bytes. */
export function parseKey(text: string, where: string): Buffer {
  const value = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (bytes.length !== 32) {
    throw new KeyringError(`${where} must be a 32-byte key: 64 hex digits or 44 base64 characters (make one with: node server/src/main.ts generate-key)`);
  }
  return bytes;
}

export const keyId = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 16);

export const generateKey = (): string => randomBytes(32).toString('base64');

export class Keyring {
  readonly currentId: string;
  private readonly keys = new Map<string, Buffer>();
  /** Where the keys came from, for messages: `environment` or the key file's path. */
  readonly source: string;

  constructor(current: Buffer, previous: Buffer[] = [], source = 'memory') {
    this.currentId = keyId(current);
    this.keys.set(this.currentId, current);
    for (const key of previous) if (!this.keys.has(keyId(key))) this.keys.set(keyId(key), key);
    this.source = source;
  }

  /** A keyring with one fresh key (tests). */
  static generate(): Keyring {
    return new Keyring(randomBytes(32));
  }

  has(id: string): boolean {
    return this.keys.has(id);
  }

  seal(plaintext: string, associated: string): { keyId: string; sealed: string } {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId)!, nonce);
    cipher.setAAD(Buffer.from(associated));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: this.currentId, sealed: Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64') };
  }

  open(id: string, sealed: string, associated: string): string {
    const key = this.keys.get(id);
    if (!key) {
      throw new KeyringError(`This record was sealed with encryption key ${id}, which this Junction does not have (it has ${[...this.keys.keys()].join(', ')}); set the old key in JUNCTION_ENCRYPTION_KEY_PREVIOUS`);
    }
    const bytes = Buffer.from(sealed, 'base64');
    const nonce = bytes.subarray(0, NONCE_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(Buffer.from(associated));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new KeyringError('A sealed record failed its integrity check (altered, or moved from another record)', { cause: error });
    }
  }
}

const keyFilePath = (config: Config) => join(config.dataDir, KEY_FILE);

export async function readKeyFile(path: string): Promise<Buffer[] | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new KeyringError(`Cannot read the encryption keys in ${path}: ${(error as Error).message}`, { cause: error });
  }
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  if (lines.length === 0) throw new KeyringError(`${path} holds no key`);
  return lines.map((line, i) => parseKey(line, `Line ${i + 1} of ${path}`));
}

/** Writes the key file atomically, readable by its owner only. */
export async function writeKeyFile(path: string, keys: Buffer[]): Promise<void> {
  const text = [
    '# Junction encryption keys: the first seals new credentials, the others only open older ones.',
    '# Back this file up with the database: without it, stored credentials cannot be decrypted.',
    ...keys.map((key) => key.toString('base64')),
    '',
  ].join('\n');
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

/** The keyring this process uses: from the environment, else the data folder's key file (made on first start). */
export async function loadKeyring(config: Config): Promise<Keyring> {
  if (config.JUNCTION_ENCRYPTION_KEY) {
    const previous = (config.JUNCTION_ENCRYPTION_KEY_PREVIOUS ?? '')
      .split(',')
      .filter((part) => part.trim())
      .map((part, i) => parseKey(part, `Key ${i + 1} of JUNCTION_ENCRYPTION_KEY_PREVIOUS`));
    return new Keyring(parseKey(config.JUNCTION_ENCRYPTION_KEY, 'JUNCTION_ENCRYPTION_KEY'), previous, 'environment');
  }
  const path = keyFilePath(config);
  let keys = await readKeyFile(path);
  if (!keys) {
    await mkdir(config.dataDir, { recursive: true });
    keys = [randomBytes(32)];
    await writeKeyFile(path, keys);
    log.warn(`generated the encryption key for credentials into ${path}: back it up together with the database — without it stored credentials cannot be decrypted. Set JUNCTION_ENCRYPTION_KEY to manage the key yourself.`);
  }
  return new Keyring(keys[0]!, keys.slice(1), path);
}

export { keyFilePath };
