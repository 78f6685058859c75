/** Credentials as the API answers them: metadata and non-secret fields, never a secret. */
import { z } from 'zod';
import { CREDENTIAL_TYPE_IDS, type CredentialTypeId } from '../credentials/types.ts';
import { JsonSchema } from './node-types.ts';
import { Id, Timestamp } from './workflows.ts';

export const CredentialTypeIdSchema = z.enum(CREDENTIAL_TYPE_IDS as [CredentialTypeId, ...CredentialTypeId[]]);

export const Credential = z
  .object({
    id: Id,
    name: z.string(),
    type: CredentialTypeIdSchema,
    ownerId: Id,
    sharedWith: z.array(Id).meta({ description: 'Users (ids) who may use it in their workflows' }),
    fields: z.record(z.string(), z.unknown()).meta({ description: 'The non-secret fields (host, user name, ...)' }),
    secretsSet: z.array(z.string()).meta({ description: 'Which secret fields hold a value; the values are never returned' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Credential' });
export type Credential = z.infer<typeof Credential>;

export const CredentialList = z.object({ credentials: z.array(Credential) });

export const CredentialType = z
  .object({
    type: CredentialTypeIdSchema,
    label: z.string(),
    description: z.string(),
    secretFields: z.array(z.string()),
    schema: JsonSchema.meta({ description: "JSON Schema of the credential's fields; writeOnly marks a secret" }),
  })
  .meta({ id: 'CredentialType' });
export type CredentialType = z.infer<typeof CredentialType>;

export const CredentialTypeList = z.object({ credentialTypes: z.array(CredentialType) });

/** A connection the outbound policy refused (see docs/security.md): where to, and why. */
export const OutboundRefusal = z.object({
  host: z.string(),
  address: z.string().meta({ description: 'The address the host resolved to, which was refused' }),
  reason: z.enum(['loopback', 'unspecified', 'linkLocal', 'private', 'sharedAddress', 'uniqueLocal', 'reserved', 'denied', 'localSocket']),
  rule: z.string().optional().meta({ description: 'The entry of JUNCTION_OUTBOUND_DENY that refused it' }),
});

export const CredentialTestResult = z
  .object({
    ok: z.boolean(),
    message: z.string(),
    durationMs: z.number(),
    refused: OutboundRefusal.optional().meta({ description: "Junction's outbound policy refused the connection: an administrator can allow the address (JUNCTION_OUTBOUND_ALLOW)" }),
  })
  .meta({ id: 'CredentialTestResult' });
export type CredentialTestResult = z.infer<typeof CredentialTestResult>;
