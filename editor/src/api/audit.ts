/** The audit log (admins), newest first, a page at a time. */
import { request } from './client.ts';
import type { AuditPage } from './types.ts';

export interface AuditFilters {
  actorEmail?: string;
  action?: string;
  resourceType?: string;
  from?: string;
  to?: string;
}

export const listAudit = (filters: AuditFilters & { cursor?: string; limit?: number }) => request<AuditPage>('GET', '/api/audit', { query: { ...filters } });
