import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { variables, type VariableRow } from '../schema.ts';

export function listVariables(db: Db): Promise<VariableRow[]> {
  return db.select().from(variables).orderBy(asc(variables.key));
}

export async function getVariable(db: Db, key: string): Promise<VariableRow | undefined> {
  const [row] = await db.select().from(variables).where(eq(variables.key, key));
  return row;
}

/** Creates the variable; undefined when the key is taken. */
export async function createVariable(db: Db, key: string, value: string): Promise<VariableRow | undefined> {
  const [row] = await db.insert(variables).values({ key, value }).onConflictDoNothing().returning();
  return row;
}

export async function updateVariable(db: Db, key: string, value: string): Promise<VariableRow | undefined> {
  const [row] = await db.update(variables).set({ value, updatedAt: sql`now()` }).where(eq(variables.key, key)).returning();
  return row;
}

export async function deleteVariable(db: Db, key: string): Promise<boolean> {
  const rows = await db.delete(variables).where(eq(variables.key, key)).returning({ key: variables.key });
  return rows.length > 0;
}

/** Every variable as `{ KEY: value }`, what `$vars` holds. */
export async function variableValues(db: Db): Promise<Record<string, string>> {
  const rows = await db.select({ key: variables.key, value: variables.value }).from(variables);
  return Object.fromEntries(rows.map((row) => [row.key, row.value]));
}
