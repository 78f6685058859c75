/**
 * Credentials for a step, inside the worker: loaded, checked (the workflow's owner may
 * use it, its type is one the node accepts), opened with the keyring, and their secret
 * fields handed to the step's Redactor. Not cached, so an edited or deleted credential
 * takes effect on the next step.
 */
import type pg from 'pg';
import { CREDENTIAL_TYPES, isCredentialType, NonRetriableError, type CredentialSlot, type CredentialValue } from '@junction/nodes';
import { sealedCredentialFor } from '../db/queries/credentials.ts';
import type { Keyring } from './keyring.ts';
import { openSealed } from './open.ts';
import type { Redactor } from './redact.ts';

export class CredentialResolver {
  private readonly pool: pg.Pool;
  private readonly keyring: Keyring;

  constructor(pool: pg.Pool, keyring: Keyring) {
    this.pool = pool;
    this.keyring = keyring;
  }

  async resolve(workflowId: string, credentialId: string, slot: CredentialSlot, redactor: Redactor): Promise<CredentialValue> {
    const row = await sealedCredentialFor(this.pool, credentialId, workflowId);
    if (!row) throw new NonRetriableError(`The credential ${credentialId} (param "${slot.param}") does not exist any more; choose another`);
    if (!row.usable) throw new NonRetriableError(`The workflow's owner may not use the credential ${credentialId}; an admin can share it with them`);
    if (!isCredentialType(row.type) || !slot.types.includes(row.type)) {
      throw new NonRetriableError(`The credential ${credentialId} is a "${row.type}" credential; this node takes ${slot.types.join(', ')}`);
    }
    const credential = openSealed(this.keyring, row);
    const data = credential.data as Record<string, unknown>;
    for (const field of CREDENTIAL_TYPES[credential.type].secretFields) if (typeof data[field] === 'string') redactor.add(data[field]);
    return credential;
  }
}
