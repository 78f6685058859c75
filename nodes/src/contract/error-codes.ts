/**
 * The `code` of every error the API answers (`{ error: { code, message, path?, issues? } }`)
 * and of the issues it lists. The message is the server's English; a client shows its
 * own words for the code. (No zod here: see vocabulary.ts.)
 */
export const ERROR_CODES = [
  // The request itself
  'invalid_request',
  'invalid_json',
  'invalid_input',
  'invalid_cursor',
  'invalid_path',
  'too_deep',
  'database_unavailable',
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
  // Waiting steps and their resume URLs
  'invalid_answer',
  'not_waiting',
  'wait_expired',
  'trigger_removed',
  // Webhooks
  'unknown_webhook',
  'webhook_unauthorized',
  'rate_limited',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
