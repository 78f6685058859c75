/**
 * What the API answers, as the editor reads it: the contract's types (nodes/src/contract,
 * the schemas the server answers and documents with), and the words both sides share.
 *
 * The types are imported as types only, so no schema reaches the bundle; the only values
 * are the vocabulary's lists, from `@junction/nodes/vocabulary`, which has no zod in it.
 * Import from here, not from `@junction/nodes` directly: a value from there would bring
 * the whole node catalogue into the page that asks for it.
 */
import type { NodeType } from '@junction/nodes';

export type {
  ApiIssue,
  ApiKey,
  ApiKeyCreated,
  Attempt,
  AuditDetails,
  AuditEntry,
  AuditPage,
  CancelAccepted,
  Credential,
  CredentialTestResult,
  CredentialType,
  ErrorResponse,
  ExpressionPreview,
  Item,
  JsonSchema,
  LastRun,
  LiveStep,
  LogLine,
  Me,
  PollPreview,
  PreviewItem,
  RunAccepted,
  RunDetail,
  RunError,
  RunEvent,
  RunPage,
  RunSnapshot,
  RunSummary,
  RunWorkflow,
  SetupStatus,
  ShareUser,
  SignedIn,
  Resumption,
  Step,
  StepError,
  StepWaitRecord,
  StepItemsPage,
  User,
  Variable,
  VersionSummary,
  Workflow,
  WorkflowExport,
  WorkflowListEntry,
  WorkflowPage,
  WorkflowShares,
  WorkflowTrigger,
  WorkflowTriggers,
  WorkflowVersion,
} from '@junction/nodes';

export {
  ASSIGNABLE_ROLES,
  AUDIT_ACTIONS,
  AUDIT_RESOURCE_TYPES,
  EXPORT_FORMAT,
  FINISHED_RUN_STATUSES,
  RUN_STATUSES,
  type AssignableRole,
  type AuditAction,
  type AuditResource,
  type Capability,
  type ErrorCode,
  type Role,
  type RunStatus,
  type StepStatus,
} from '@junction/nodes/vocabulary';

/** A node type of the catalogue (`NodeType` in the contract; the canvas's `nodeTypes` are React Flow's). */
export type NodeTypeInfo = NodeType;
