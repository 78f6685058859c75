/**
 * The database layer's two rules, kept by reading the sources: SQL lives under db/ (the
 * runtime, the API and the rest call functions of db/queries/), and db/ depends on
 * nothing above it — not on auth, the vault, the runtime, the API or the sandbox.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SERVER = fileURLToPath(new URL('..', import.meta.url));
const DB = join(SERVER, 'db');
/** Below the database: what db/ may import besides itself and packages (the log writes to stderr only). */
const BELOW = [DB, join(SERVER, 'crypto'), join(SERVER, 'log.ts')];

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('the database layer', () => {
  it('imports nothing from the layers above it', () => {
    const upward: string[] = [];
    for (const file of sources(DB)) {
      for (const [, target] of readFileSync(file, 'utf8').matchAll(/^import[^'"]*['"](\.[^'"]+)['"]/gm)) {
        const to = resolve(dirname(file), target!);
        if (!BELOW.some((below) => to === below || to.startsWith(`${below}/`))) upward.push(`${relative(SERVER, file)} → ${relative(SERVER, to)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('holds every SQL statement: elsewhere only transactions are begun, committed and rolled back', () => {
    const statement = /\.query(?:<[^>]*>)?\(\s*[`'"](?!\s*(?:begin|commit|rollback)\b)|\b(?:db|tx|deps\.db)\s*\.\s*(?:select|insert|update|delete|execute)\(|\bsql`/gi;
    const outside: string[] = [];
    for (const file of sources(SERVER)) {
      // A credential's test connection asks the user's own database for its version: not Junction's.
      if (file.startsWith(`${DB}/`) || file.includes('/testing/') || file.endsWith('vault/test-connection.ts')) continue;
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(statement)) outside.push(`${relative(SERVER, file)}:${text.slice(0, match.index).split('\n').length}`);
    }
    expect(outside).toEqual([]);
    // The check sees a statement where there is one.
    expect('await pool.query(`select 1`)'.match(statement)).not.toBeNull();
    expect("await client.query('commit')".match(statement)).toBeNull();
  });
});
