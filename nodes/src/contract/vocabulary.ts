/**
 * The words the API and the editor share: run and step statuses, roles, capabilities,
 * audit actions and error codes. Plain lists with no zod, so that a browser page can
 * import them (`@junction/nodes/vocabulary`) without the schemas: the editor bundles
 * these lists and nothing else of the contract.
 *
 * A new word goes here first; the server's types then allow it, and the editor's tests
 * ask for its words in every language the editor speaks.
 */

export const RUN_STATUSES = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** A run in one of these is over: nothing more happens to it. */
export const FINISHED_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

export const STEP_STATUSES = ['running', 'retrying', 'succeeded', 'failed', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const ROLES = ['owner', 'admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
/** The roles an admin may give: there is one owner, made at setup. */
export const ASSIGNABLE_ROLES = ['admin', 'editor', 'viewer'] as const satisfies readonly Role[];
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];

/** What a route asks of its caller (`x-junction-capability` in /api/openapi.json); a user has their role's. */
export const CAPABILITIES = [
  'workflows:read',
  'workflows:write',
  'workflows:run',
  'runs:read',
  'node-types:read',
  'variables:read',
  'variables:write',
  'credentials:read',
  'credentials:write',
  'users:read',
  'users:write',
  'audit:read',
  'api-keys:manage',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

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

/** Why a sign-in failed (`reason` in the details of `auth.sign_in_failed`). */
export const SIGN_IN_FAILURES = ['unknown e-mail', 'wrong password', 'user disabled', 'locked account', 'locked address'] as const;
export type SignInFailure = (typeof SIGN_IN_FAILURES)[number];

/** How a change made outside the API came about (`via` in an entry's details). */
export const AUDIT_VIA = ['cli', 'environment'] as const;
export type AuditVia = (typeof AUDIT_VIA)[number];

/**
 * The `code` of every error the API answers (`{ error: { code, message, path?, issues? } }`)
 * and of the issues it lists. The message is the server's English; a client shows its
 * own words for the code.
 */
export const ERROR_CODES = [
  // The request itself
  'invalid_request',
  'invalid_json',
  'invalid_input',
  'invalid_cursor',
  'invalid_path',
  'too_deep',
  'body_too_large',
  'unsupported_media_type',
  'unstorable_text',
  'method_not_allowed',
  'not_found',
  'http_error',
  'internal_error',
  // Who is asking
  'unauthenticated',
  'forbidden',
  'csrf_failed',
  'no_access_rule',
  'invalid_credentials',
  'sign_in_locked',
  'wrong_password',
  'setup_done',
  'email_taken',
  'unknown_user',
  'scope_too_wide',
  // A workflow graph (validateWorkflow) and the limits of this server
  'document_too_large',
  'forbidden_key',
  'invalid_value',
  'duplicate_node_id',
  'duplicate_node_name',
  'unknown_node_type',
  'invalid_params',
  'unknown_node',
  'unknown_port',
  'duplicate_edge',
  'cycle',
  'no_trigger',
  'duplicate_webhook',
  'above_server_limit',
  'webhook_conflict',
  // Credentials and variables
  'invalid_credential',
  'unknown_credential',
  'credential_not_shared',
  'unknown_type',
  'variable_exists',
  // Runs
  'unknown_trigger',
  'run_finished',
  'run_not_failed',
  'workflow_deleted',
  'trigger_removed',
  // Webhooks
  'unknown_webhook',
  'webhook_unauthorized',
  'rate_limited',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The `format` and `formatVersion` of the document a workflow is exported as (and imported from). */
export const EXPORT_FORMAT = 'junction.workflow';
export const EXPORT_FORMAT_VERSION = 1;
