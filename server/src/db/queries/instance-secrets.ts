/**
 * Secrets of this Junction instance, made at first use and shared by all its processes
 * through the database (the key that signs resume URLs). Whoever can read the database
 * can read them: they protect links, not data.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';

export async function instanceSecret(pool: pg.Pool, name: string): Promise<Buffer> {
  await pool.query('insert into instance_secrets (name, value) values ($1, $2) on conflict (name) do nothing', [name, randomBytes(32).toString('base64')]);
  const result = await pool.query<{ value: string }>('select value from instance_secrets where name = $1', [name]);
  return Buffer.from(result.rows[0]!.value, 'base64');
}
