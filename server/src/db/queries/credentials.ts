import type pg from 'pg';
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import { CREDENTIAL_TYPES, type CredentialTypeId } from '@junction/nodes';
import type { Db } from '../client.ts';
import { credentials, credentialShares, type CredentialRow } from '../schema.ts';

/** What seals and opens credential data (the vault's keyring); the database only stores the result. */
export interface Keyring {
  readonly currentId: string;
  seal(plaintext: string, credentialId: string): { keyId: string; sealed: string };
  open(keyId: string, sealed: string, credentialId: string): string;
}

export type CredentialSummary = Omit<CredentialRow, 'sealed'> & { sharedWith: string[] };

const summaryColumns = {
  id: credentials.id,
  name: credentials.name,
  type: credentials.type,
  ownerId: credentials.ownerId,
  fields: credentials.fields,
  secretsSet: credentials.secretsSet,
  keyId: credentials.keyId,
  createdAt: credentials.createdAt,
  updatedAt: credentials.updatedAt,
  sharedWith: sql<string[]>`coalesce((select array_agg(${credentialShares.userId}::text order by ${credentialShares.userId}) from ${credentialShares} where ${credentialShares.credentialId} = ${credentials.id}), '{}')`,
};

/** What is kept in the clear for lists and forms: the non-secret fields, and which secret fields are set. */
export function metadataOf(type: CredentialTypeId, data: Record<string, unknown>): { fields: Record<string, unknown>; secretsSet: string[] } {
  const secret = new Set<string>(CREDENTIAL_TYPES[type].secretFields);
  return {
    fields: Object.fromEntries(Object.entries(data).filter(([key]) => !secret.has(key))),
    secretsSet: [...secret].filter((field) => typeof data[field] === 'string' && data[field] !== ''),
  };
}

export async function createCredential(
  db: Db,
  keyring: Keyring,
  input: { name: string; type: CredentialTypeId; ownerId: string; data: Record<string, unknown>; sharedWith: string[] },
): Promise<CredentialSummary> {
  const id = randomUUID();
  const { keyId, sealed } = keyring.seal(JSON.stringify(input.data), id);
  await db.transaction(async (tx) => {
    await tx.insert(credentials).values({ id, name: input.name, type: input.type, ownerId: input.ownerId, ...metadataOf(input.type, input.data), keyId, sealed });
    if (input.sharedWith.length > 0) await tx.insert(credentialShares).values(input.sharedWith.map((userId) => ({ credentialId: id, userId })));
  });
  return (await getCredential(db, id))!;
}

export async function getCredential(db: Db, id: string): Promise<CredentialSummary | undefined> {
  const [row] = await db.select(summaryColumns).from(credentials).where(eq(credentials.id, id));
  return row;
}

export async function credentialsByIds(db: Db, ids: string[]): Promise<CredentialSummary[]> {
  if (ids.length === 0) return [];
  return db.select(summaryColumns).from(credentials).where(inArray(credentials.id, ids));
}

/** Every credential, or those a user owns or has been shared. */
export async function listCredentials(db: Db, visibleTo?: string): Promise<CredentialSummary[]> {
  const condition = visibleTo
    ? sql`(${credentials.ownerId} = ${visibleTo} or exists (select 1 from ${credentialShares} where ${credentialShares.credentialId} = ${credentials.id} and ${credentialShares.userId} = ${visibleTo}))`
    : undefined;
  return db.select(summaryColumns).from(credentials).where(condition).orderBy(asc(credentials.name), asc(credentials.id));
}

/** A credential as stored: its type and sealed value (opened only by vault/open.ts). */
export interface SealedCredential {
  id: string;
  type: string;
  keyId: string;
  sealed: string;
}

export async function sealedCredential(pool: pg.Pool, id: string): Promise<SealedCredential | undefined> {
  const result = await pool.query<SealedCredential>({
    name: 'junction_sealed_credential',
    text: 'select id, type, key_id as "keyId", sealed from credentials where id = $1',
    values: [id],
  });
  return result.rows[0];
}

/** A credential as a workflow's step would use it: sealed, and whether the workflow's owner may use it. */
export async function sealedCredentialFor(pool: pg.Pool, id: string, workflowId: string): Promise<(SealedCredential & { usable: boolean }) | undefined> {
  const result = await pool.query<SealedCredential & { usable: boolean }>({
    name: 'junction_resolve_credential',
    text: `select c.id, c.type, c.key_id as "keyId", c.sealed,
        (w.owner_id is null or c.owner_id = w.owner_id
          or exists (select 1 from users u where u.id = w.owner_id and u.role in ('owner', 'admin'))
          or exists (select 1 from credential_shares s where s.credential_id = c.id and s.user_id = w.owner_id)) as usable
      from credentials c, workflows w where c.id = $1 and w.id = $2`,
    values: [id, workflowId],
  });
  return result.rows[0];
}

export async function updateCredential(
  db: Db,
  keyring: Keyring,
  id: string,
  change: { name?: string; type: CredentialTypeId; data?: Record<string, unknown>; sharedWith?: string[] },
): Promise<CredentialSummary | undefined> {
  await db.transaction(async (tx) => {
    const sealedFields = change.data ? { ...keyring.seal(JSON.stringify(change.data), id), ...metadataOf(change.type, change.data) } : {};
    await tx
      .update(credentials)
      .set({ ...(change.name ? { name: change.name } : {}), ...sealedFields, updatedAt: new Date() })
      .where(eq(credentials.id, id));
    if (change.sharedWith) {
      await tx.delete(credentialShares).where(eq(credentialShares.credentialId, id));
      if (change.sharedWith.length > 0) await tx.insert(credentialShares).values(change.sharedWith.map((userId) => ({ credentialId: id, userId })));
    }
  });
  return getCredential(db, id);
}

export async function deleteCredential(db: Db, id: string): Promise<boolean> {
  const deleted = await db.delete(credentials).where(eq(credentials.id, id)).returning({ id: credentials.id });
  return deleted.length > 0;
}

/**
 * Re-seals every credential not sealed with the keyring's current key, in batches; each
 * record changes in its own statement, so a stopped rotation can simply be run again.
 */
export async function resealCredentials(db: Db, keyring: Keyring): Promise<{ resealed: number }> {
  let resealed = 0;
  for (;;) {
    const batch = await db
      .select({ id: credentials.id, keyId: credentials.keyId, sealed: credentials.sealed })
      .from(credentials)
      .where(ne(credentials.keyId, keyring.currentId))
      .limit(100);
    if (batch.length === 0) return { resealed };
    for (const row of batch) {
      const plaintext = keyring.open(row.keyId, row.sealed, row.id);
      const next = keyring.seal(plaintext, row.id);
      await db
        .update(credentials)
        .set(next)
        .where(and(eq(credentials.id, row.id), eq(credentials.keyId, row.keyId)));
      resealed++;
    }
  }
}
