import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { auditLog, type AuditRow } from '../schema.ts';

export type AuditEntry = Omit<AuditRow, 'id' | 'at'>;

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({ ...entry, userAgent: entry.userAgent?.slice(0, 500) ?? null });
}

export interface AuditQuery {
  actorId?: string;
  actorEmail?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** `id` of the last entry of the previous page. */
  beforeId?: number;
}

/** Newest first, paged by id (keyset). */
export async function listAudit(db: Db, query: AuditQuery): Promise<AuditRow[]> {
  const conditions: SQL[] = [];
  if (query.actorId) conditions.push(eq(auditLog.actorId, query.actorId));
  if (query.actorEmail) conditions.push(eq(auditLog.actorEmail, query.actorEmail.trim().toLowerCase()));
  if (query.action) conditions.push(eq(auditLog.action, query.action));
  if (query.resourceType) conditions.push(eq(auditLog.resourceType, query.resourceType));
  if (query.resourceId) conditions.push(eq(auditLog.resourceId, query.resourceId));
  if (query.from) conditions.push(gte(auditLog.at, query.from));
  if (query.to) conditions.push(lte(auditLog.at, query.to));
  if (query.beforeId !== undefined) conditions.push(lt(auditLog.id, query.beforeId));
  return db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(query.limit);
}
