/**
 * The audit log: who created, changed, activated, deleted, exported or ran what, signed
 * in or failed to, when and from where. `Auditor.record` is called by the handlers after
 * the change committed; `GET /api/audit` lets admins read it, filtered and paged.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { AUDIT_ACTIONS, AUDIT_RESOURCE_TYPES, AuditPage, type AuditAction, type AuditDetails, type AuditResource } from '@junction/nodes';
import type { Context } from 'hono';
import { listAudit, recordAudit } from '../db/queries/audit.ts';
import type { Db } from '../db/client.ts';
import type { ApiDeps } from './app.ts';
import { clientOf, decodeCursor, encodeCursor, validationHook, type ProxyTrust } from './request.ts';
import { errorResponses, jsonResponse } from './schemas.ts';

/** What a handler records: only the contract's actions, resources and details (nodes/src/contract), which the editor names. */
export interface AuditEvent {
  action: AuditAction;
  resourceType: AuditResource;
  resourceId?: string | null;
  details?: AuditDetails;
  /** For events without a signed-in caller (a failed sign-in): who it was about. */
  actor?: { id: string | null; email: string | null };
}

export class Auditor {
  private readonly db: Db;
  private readonly proxy: ProxyTrust;

  constructor(db: Db, proxy: ProxyTrust) {
    this.db = db;
    this.proxy = proxy;
  }

  async record(c: Context, event: AuditEvent): Promise<void> {
    const principal = c.get('principal');
    const { ip, userAgent } = clientOf(c, this.proxy);
    await recordAudit(this.db, {
      actorId: event.actor?.id ?? principal?.user.id ?? null,
      actorEmail: event.actor?.email ?? principal?.user.email ?? null,
      apiKeyId: principal?.apiKeyId ?? null,
      action: event.action,
      resourceType: event.resourceType,
      resourceId: event.resourceId ?? null,
      ip,
      userAgent,
      details: event.details ?? null,
    });
  }
}

export function auditRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      summary: 'The audit log, newest first, one page at a time (admins)',
      description: `Actions: ${AUDIT_ACTIONS.join(', ')}.`,
      request: {
        query: z
          .object({
            actorId: z.uuid().optional(),
            actorEmail: z.string().max(320).optional(),
            action: z.string().max(100).optional(),
            resourceType: z.enum(AUDIT_RESOURCE_TYPES).optional(),
            resourceId: z.string().max(100).optional(),
            from: z.iso.datetime({ offset: true }).optional(),
            to: z.iso.datetime({ offset: true }).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
            cursor: z.string().max(100).optional(),
          })
          .strict(),
      },
      responses: { 200: jsonResponse(AuditPage, 'A page of the audit log'), ...errorResponses },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const beforeId = query.cursor
        ? decodeCursor(query.cursor, (parts) => {
            if (parts.length !== 1 || !/^\d{1,16}$/.test(parts[0]!)) throw new Error('bad id');
            return Number(parts[0]);
          })
        : undefined;
      const rows = await listAudit(deps.db, {
        ...query,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
        beforeId,
      });
      const last = rows.at(-1);
      return c.json(
        {
          entries: rows.map((row) => ({ ...row, at: row.at.toISOString() })),
          nextCursor: rows.length === query.limit && last ? encodeCursor([String(last.id)]) : null,
        },
        200,
      );
    },
  );
  return app;
}
