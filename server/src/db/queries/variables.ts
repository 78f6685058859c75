import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { variableRevision, variables, type VariableRow } from '../schema.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Moves the variables' revision on, in the transaction of the change (so it commits with it). */
async function bumpRevision(tx: Tx): Promise<void> {
  await tx
    .insert(variableRevision)
    .values({ one: true, revision: 1 })
    .onConflictDoUpdate({ target: variableRevision.one, set: { revision: sql`${variableRevision.revision} + 1` } });
}

export function listVariables(db: Db): Promise<VariableRow[]> {
  return db.select().from(variables).orderBy(asc(variables.key));
}

export async function getVariable(db: Db, key: string): Promise<VariableRow | undefined> {
  const [row] = await db.select().from(variables).where(eq(variables.key, key));
  return row;
}

/** Creates the variable; undefined when the key is taken. */
export async function createVariable(db: Db, key: string, value: string): Promise<VariableRow | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(variables).values({ key, value }).onConflictDoNothing().returning();
    if (row) await bumpRevision(tx);
    return row;
  });
}

export async function updateVariable(db: Db, key: string, value: string): Promise<VariableRow | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx.update(variables).set({ value, updatedAt: sql`now()` }).where(eq(variables.key, key)).returning();
    if (row) await bumpRevision(tx);
    return row;
  });
}

export async function deleteVariable(db: Db, key: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.delete(variables).where(eq(variables.key, key)).returning({ key: variables.key });
    if (rows.length > 0) await bumpRevision(tx);
    return rows.length > 0;
  });
}

/** The variables as `$vars` holds them (`{ KEY: value }`), and the revision they are at. */
export interface VariableSnapshot {
  revision: number;
  values: Record<string, string>;
}

/** Every variable and their revision, read in one statement (one snapshot: they agree). */
export async function variableValues(db: Db): Promise<VariableSnapshot> {
  const [row] = await db.execute<{ revision: string; values: Record<string, string> }>(sql`
    select coalesce((select ${variableRevision.revision} from ${variableRevision}), 0) as revision,
           coalesce((select json_object_agg(${variables.key}, ${variables.value}) from ${variables}), '{}'::json) as values`).then((result) => result.rows);
  return { revision: Number(row!.revision), values: row!.values };
}

/** The variables' revision, as a subquery for statements that read it beside other things. */
export const VARIABLE_REVISION_SQL = 'coalesce((select revision from variable_revision), 0)';
