/** The audit log as the API answers it, and what each entry's details may hold. */
import { z } from 'zod';
import { AUDIT_VIA, CAPABILITIES, ROLES, SIGN_IN_FAILURES } from './vocabulary.ts';
import { Id, Timestamp } from './workflows.ts';

/**
 * What an entry's `details` may say, every key optional. The server writes nothing else
 * (its audit calls are typed with this), so a reader can name each key.
 */
export const AuditDetails = z
  .object({
    name: z.string(),
    type: z.string().meta({ description: 'A credential type' }),
    version: z.union([z.number().int(), z.enum(['original', 'latest'])]),
    renamed: z.boolean(),
    runId: Id,
    trigger: z.string().meta({ description: 'The trigger node a run started from' }),
    email: z.string(),
    role: z.enum(ROLES),
    changed: z.array(z.string()).meta({ description: 'The fields of a user that changed' }),
    fields: z.array(z.string()).meta({ description: 'The fields of a credential that changed' }),
    sharedWith: z.array(Id),
    scopes: z.array(z.enum(CAPABILITIES)),
    userId: Id,
    userIds: z.array(Id),
    workflowId: Id,
    reason: z.enum(SIGN_IN_FAILURES),
    via: z.enum(AUDIT_VIA),
    ok: z.boolean().meta({ description: 'Whether a credential test worked' }),
    host: z.string(),
    runsCancelled: z.number().int(),
    imported: z.boolean(),
    duplicateOf: Id,
  })
  .partial()
  .meta({ id: 'AuditDetails' });
export type AuditDetails = z.infer<typeof AuditDetails>;

export const AuditEntry = z
  .object({
    id: z.number().int(),
    at: Timestamp,
    actorId: Id.nullable(),
    actorEmail: z.string().nullable(),
    apiKeyId: Id.nullable(),
    action: z.string().meta({ description: 'resource.verb (AUDIT_ACTIONS)', example: 'workflow.activate' }),
    resourceType: z.string().meta({ example: 'workflow' }),
    resourceId: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    details: AuditDetails.nullable(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditPage = z.object({ entries: z.array(AuditEntry), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof AuditPage>;
