/** The words of the audit log: actions, resources, and the values its details hold. No zod: see vocabulary.ts. */

/** What the audit log records, as `resource.verb`. */
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
  'user.password_failed',
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
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_RESOURCE_TYPES = ['workflow', 'run', 'credential', 'user', 'api-key', 'variable', 'session'] as const;
export type AuditResource = (typeof AUDIT_RESOURCE_TYPES)[number];

/** Why a sign-in or a password change failed (`reason` in the details of `auth.sign_in_failed`, `user.password_failed`). */
export const SIGN_IN_FAILURES = ['unknown e-mail', 'wrong password', 'user disabled', 'locked account', 'locked address'] as const;
export type SignInFailure = (typeof SIGN_IN_FAILURES)[number];

/** How a change made outside the API came about (`via` in an entry's details). */
export const AUDIT_VIA = ['cli', 'environment'] as const;
export type AuditVia = (typeof AUDIT_VIA)[number];
