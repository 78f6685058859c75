/**
 * Checks, when a workflow is saved, the credentials its nodes refer to: each exists, is
 * of a type the node takes, and may be used both by whoever saves and by the workflow's
 * owner (whose workflows run with it). Checked again when the step runs (`resolve.ts`).
 *
 * Changing a workflow is changing what its credentials are sent to (a URL, a body), so
 * someone it is shared with may change it only when they may use its credentials too:
 * they are told which credential stands in the way, and that sharing it would do.
 */
import { catalogue, containsExpression, WEBHOOK_AUTH_CREDENTIAL_TYPE, type ValidationIssue, type WebhookParams, type WorkflowGraph } from '@junction/nodes';
import { mayUseCredential } from '../auth/access.ts';
import type { Role } from '../auth/roles.ts';
import type { Db } from '../db/client.ts';
import { credentialsByIds } from '../db/queries/credentials.ts';
import { getUser } from '../db/queries/users.ts';

interface Reference {
  nodeIndex: number;
  nodeName: string;
  param: string;
  id: string;
  types: readonly string[];
}

function referencesOf(graph: WorkflowGraph, issues: ValidationIssue[]): Reference[] {
  const references: Reference[] = [];
  graph.nodes.forEach((node, nodeIndex) => {
    for (const slot of catalogue.get(node.type)?.credentials ?? []) {
      const value = node.params[slot.param];
      if (value === undefined) continue;
      const path = `nodes[${nodeIndex}].params.${slot.param}`;
      if (typeof value !== 'string' || containsExpression(value)) {
        issues.push({ code: 'invalid_credential', path, message: `Node "${node.name}": choose a credential by its id; an expression cannot choose one` });
        continue;
      }
      let types: readonly string[] = slot.types;
      if (node.type === 'trigger.webhook') {
        const kind = (node.params as Partial<WebhookParams>).auth?.kind;
        types = kind && kind !== 'none' ? [WEBHOOK_AUTH_CREDENTIAL_TYPE[kind]] : slot.types;
      }
      references.push({ nodeIndex, nodeName: node.name, param: slot.param, id: value, types });
    }
  });
  return references;
}

/** Problems with the graph's credential references, as validation issues (empty: fine). */
export async function checkCredentialReferences(
  db: Db,
  graph: WorkflowGraph,
  saver: { id: string; role: Role },
  ownerId: string | null,
  /** The workflow's graph before this save, when it has one. */
  current?: WorkflowGraph,
): Promise<ValidationIssue[]> {
  const issues: ValidationIssue[] = [];
  const references = referencesOf(graph, issues);
  if (references.length === 0) return issues;
  const found = new Map((await credentialsByIds(db, [...new Set(references.map((r) => r.id))])).map((c) => [c.id, c]));
  const owner = ownerId && ownerId !== saver.id ? await getUser(db, ownerId) : undefined;
  const kept = new Set(current ? referencesOf(current, []).map((reference) => reference.id) : []);
  for (const reference of references) {
    const path = `nodes[${reference.nodeIndex}].params.${reference.param}`;
    const where = `Node "${reference.nodeName}"`;
    const credential = found.get(reference.id);
    if (credential && !mayUseCredential(saver, credential) && kept.has(reference.id)) {
      issues.push({
        code: 'credential_not_shared',
        path,
        message: `${where} uses a credential (${reference.id}) that is not shared with you, so you may run this workflow but not change it; an admin can share that credential with you`,
      });
    } else if (!credential || !mayUseCredential(saver, credential)) {
      issues.push({ code: 'unknown_credential', path, message: `${where}: there is no credential ${reference.id} that you may use` });
    } else if (!reference.types.includes(credential.type)) {
      issues.push({ code: 'invalid_credential', path, message: `${where}: "${credential.name}" is a ${credential.type} credential; this needs ${reference.types.join(' or ')}` });
    } else if (owner && !mayUseCredential(owner, credential)) {
      issues.push({ code: 'invalid_credential', path, message: `${where}: the workflow's owner (${owner.email}) may not use "${credential.name}"; share it with them first` });
    }
  }
  return issues;
}
