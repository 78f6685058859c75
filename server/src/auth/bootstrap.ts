/**
 * Starting without a browser: the owner and an API key from the environment
 * (JUNCTION_OWNER_EMAIL + JUNCTION_OWNER_PASSWORD, JUNCTION_BOOTSTRAP_API_KEY), or from
 * the CLI (`main.ts create-owner`, `create-api-key`). There is no default account and no
 * default password: until an owner exists, only `/api/setup` creates one.
 */
import type { AuditVia } from '@junction/nodes/vocabulary';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { recordAudit } from '../db/queries/audit.ts';
import { apiKeyExists, createApiKey } from '../db/queries/api-keys.ts';
import { countUsers, createFirstOwner, findOwner, type PublicUser } from '../db/queries/users.ts';
export { findOwner };
import { log } from '../log.ts';
import { hashPassword } from './passwords.ts';
import { CAPABILITIES } from './roles.ts';


/** Creates the owner when nobody exists yet; null when someone does. */
export async function createOwner(db: Db, input: { email: string; password: string; name?: string; via: AuditVia }): Promise<PublicUser | null> {
  const owner = await createFirstOwner(db, { email: input.email, name: input.name ?? input.email.split('@')[0]!, passwordHash: await hashPassword(input.password) });
  if (owner) {
    await recordAudit(db, { actorId: null, actorEmail: null, apiKeyId: null, action: 'setup.owner', resourceType: 'user', resourceId: owner.id, ip: null, userAgent: null, details: { via: input.via } });
  }
  return owner;
}

/** Stores an API key (chosen by the operator, or generated) for the owner with every capability. */
export async function createOwnerKey(db: Db, input: { name: string; key?: string; via: AuditVia }): Promise<{ key: string; id: string } | null> {
  const owner = await findOwner(db);
  if (!owner) return null;
  const created = await createApiKey(db, { userId: owner.id, name: input.name, scopes: [...CAPABILITIES], ...(input.key ? { key: input.key } : {}) });
  await recordAudit(db, { actorId: owner.id, actorEmail: owner.email, apiKeyId: null, action: 'api_key.create', resourceType: 'api-key', resourceId: created.id, ip: null, userAgent: null, details: { name: input.name, via: input.via } });
  return created;
}

/** At start: apply the bootstrap variables, and say how to create the owner when there is none. */
export async function bootstrapFromEnvironment(db: Db, config: Config): Promise<void> {
  const email = config.JUNCTION_OWNER_EMAIL;
  const password = config.JUNCTION_OWNER_PASSWORD;
  if (Boolean(email) !== Boolean(password)) {
    throw new Error('Set both JUNCTION_OWNER_EMAIL and JUNCTION_OWNER_PASSWORD to create the owner at start, or neither');
  }
  if (email && password) {
    const owner = await createOwner(db, { email, password, via: 'environment' });
    if (owner) log.info('created the owner account from JUNCTION_OWNER_EMAIL', { email: owner.email });
  }
  if (config.JUNCTION_BOOTSTRAP_API_KEY && !(await apiKeyExists(db, config.JUNCTION_BOOTSTRAP_API_KEY))) {
    const created = await createOwnerKey(db, { name: 'bootstrap (JUNCTION_BOOTSTRAP_API_KEY)', key: config.JUNCTION_BOOTSTRAP_API_KEY, via: 'environment' });
    if (!created) throw new Error('JUNCTION_BOOTSTRAP_API_KEY needs an owner: set JUNCTION_OWNER_EMAIL and JUNCTION_OWNER_PASSWORD too, or run "node server/src/main.ts create-owner" first');
    log.info('stored the API key from JUNCTION_BOOTSTRAP_API_KEY for the owner');
  }
  if ((await countUsers(db)) === 0) {
    log.warn('Junction has no owner yet: open it in a browser to create one (POST /api/setup), set JUNCTION_OWNER_EMAIL and JUNCTION_OWNER_PASSWORD, or run "node server/src/main.ts create-owner"');
  }
}
