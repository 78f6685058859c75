/** What the security API answers (users, sessions, API keys, credentials, audit, variables), as the editor reads it. */

export type Role = 'owner' | 'admin' | 'editor' | 'viewer';
export const ASSIGNABLE_ROLES: readonly Exclude<Role, 'owner'>[] = ['admin', 'editor', 'viewer'];

/** What a route asks of its caller (`x-junction-capability` in /api/openapi.json); a user has their role's. */
export type Capability =
  | 'workflows:read'
  | 'workflows:write'
  | 'workflows:run'
  | 'runs:read'
  | 'node-types:read'
  | 'variables:read'
  | 'variables:write'
  | 'credentials:read'
  | 'credentials:write'
  | 'users:read'
  | 'users:write'
  | 'audit:read'
  | 'api-keys:manage';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Me {
  user: User;
  capabilities: Capability[];
  authenticatedWith: 'session' | 'apiKey';
  /** Sent back in X-CSRF-Token with every write made with the session cookie. */
  csrfToken: string | null;
}

export interface SignedIn {
  user: User;
  csrfToken: string;
}

export interface ApiKey {
  id: string;
  userId: string;
  userEmail: string;
  name: string;
  /** The first characters of the key, to recognise it. */
  prefix: string;
  scopes: Capability[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface CredentialType {
  type: string;
  label: string;
  description: string;
  secretFields: string[];
  /** JSON Schema of the credential's fields; `writeOnly` marks a secret. */
  schema: CredentialSchema;
}

export interface CredentialFieldSchema {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: string[];
  format?: string;
  writeOnly?: boolean;
  minimum?: number;
  maximum?: number;
  items?: CredentialFieldSchema;
}

export interface CredentialSchema {
  properties?: Record<string, CredentialFieldSchema>;
  required?: string[];
}

/** A stored credential: metadata and non-secret fields only, never a secret. */
export interface Credential {
  id: string;
  name: string;
  type: string;
  ownerId: string;
  sharedWith: string[];
  fields: Record<string, unknown>;
  /** Which secret fields hold a value. */
  secretsSet: string[];
  createdAt: string;
  updatedAt: string;
}

export interface CredentialTestResult {
  ok: boolean;
  message: string;
  durationMs: number;
}

export interface AuditEntry {
  id: number;
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  apiKeyId: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown> | null;
}

export const AUDIT_RESOURCE_TYPES = ['workflow', 'run', 'credential', 'user', 'api-key', 'variable', 'session'] as const;

/** The actions the audit log records (GET /api/audit's description). */
export const AUDIT_ACTIONS = [
  'workflow.create',
  'workflow.update',
  'workflow.delete',
  'workflow.activate',
  'workflow.deactivate',
  'workflow.export',
  'workflow.import',
  'workflow.share',
  'workflow.run',
  'run.retry',
  'run.cancel',
  'credential.create',
  'credential.update',
  'credential.delete',
  'credential.test',
  'user.create',
  'user.update',
  'user.disable',
  'user.enable',
  'user.password',
  'api_key.create',
  'api_key.revoke',
  'variable.create',
  'variable.update',
  'variable.delete',
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.sign_out',
  'setup.owner',
] as const;

export interface Variable {
  key: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

export interface ShareUser {
  id: string;
  email: string;
  name: string;
}
