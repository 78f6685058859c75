/**
 * The one way a stored credential is opened: its sealed value decrypted with the keyring
 * and checked against its type's schema (a value sealed by an older Junction whose type
 * has changed since is refused here, saying so, rather than half-used by a node).
 */
import { CREDENTIAL_TYPES, isCredentialType, NonRetriableError, type CredentialValue } from '@junction/nodes';
import type { SealedCredential } from '../db/queries/credentials.ts';
import type { Keyring } from './keyring.ts';

export function openSealed(keyring: Keyring, sealed: SealedCredential): CredentialValue {
  if (!isCredentialType(sealed.type)) throw new NonRetriableError(`The credential ${sealed.id} is of a type this Junction does not know ("${sealed.type}")`);
  const stored: unknown = JSON.parse(keyring.open(sealed.keyId, sealed.sealed, sealed.id));
  const parsed = CREDENTIAL_TYPES[sealed.type].schema.safeParse(stored);
  if (!parsed.success) throw new NonRetriableError(`The credential ${sealed.id} no longer fits its type "${sealed.type}"; open it and save it again`);
  return { id: sealed.id, type: sealed.type, data: parsed.data } as CredentialValue;
}
