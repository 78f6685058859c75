/**
 * Credentials for a step, inside the worker: loaded, checked (the workflow's owner may
 * use it, its type is one the node accepts), opened with the keyring, and their secret
 * fields handed to the step's Redactor. Not cached, so an edited or deleted credential
 * takes effect on the next step.
 */
import type pg from 'pg';
import { CREDENTIAL_TYPES, isCredentialType, NonRetriableError, type CredentialSlot, type CredentialValue } from '@junction/nodes';
import type { Keyring } from './keyring.ts';
import type { Redactor } from './redact.ts';

export class CredentialResolver {
  private readonly pool: pg.Pool;
  private readonly keyring: Keyring;

  constructor(pool: pg.Pool, keyring: Keyring) {
    this.pool = pool;
    this.keyring = keyring;
  }

  async resolve(workflowId: string, credentialId: string, slot: CredentialSlot, redactor: Redactor): Promise<CredentialValue> {
    const result = await this.pool.query<{ type: string; key_id: string; sealed: string; usable: boolean }>({
      name: 'junction_resolve_credential',
      text: `select c.type, c.key_id, c.sealed,
          (w.owner_id is null or c.owner_id = w.owner_id
            or exists (select 1 from users u where u.id = w.owner_id and u.role in ('owner', 'admin'))
            or exists (select 1 from credential_shares s where s.credential_id = c.id and s.user_id = w.owner_id)) as usable
        from credentials c, workflows w where c.id = $1 and w.id = $2`,
      values: [credentialId, workflowId],
    });
    const row = result.rows[0];
    if (!row) throw new NonRetriableError(`The credential ${credentialId} (param "${slot.param}") does not exist any more; choose another`);
    if (!row.usable) throw new NonRetriableError(`The workflow's owner may not use the credential ${credentialId}; an admin can share it with them`);
    if (!isCredentialType(row.type) || !slot.types.includes(row.type)) {
      throw new NonRetriableError(`The credential ${credentialId} is a "${row.type}" credential; this node takes ${slot.types.join(', ')}`);
    }
    const stored: unknown = JSON.parse(this.keyring.open(row.key_id, row.sealed, credentialId));
    const type = CREDENTIAL_TYPES[row.type];
    const data = type.schema.parse(stored) as Record<string, unknown>;
    for (const field of type.secretFields) if (typeof data[field] === 'string') redactor.add(data[field]);
    return { id: credentialId, type: row.type, data } as CredentialValue;
  }
}
