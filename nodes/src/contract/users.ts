/** Users, the caller's own session and API keys, as the API answers them. */
import { z } from 'zod';
import { CAPABILITIES, ROLES } from './vocabulary.ts';
import { Id, Timestamp } from './workflows.ts';

export const User = z
  .object({
    id: Id,
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    disabled: z.boolean().meta({ description: 'A disabled user cannot sign in; the account stays, for the audit log' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof User>;

export const UserList = z.object({ users: z.array(User) });

/** Who is calling, and what they may do. */
export const Me = z
  .object({
    user: User,
    capabilities: z.array(z.enum(CAPABILITIES)),
    authenticatedWith: z.enum(['session', 'apiKey']),
    csrfToken: z
      .string()
      .nullable()
      .meta({ description: 'Send it back in X-CSRF-Token with every POST/PUT/DELETE made with the session cookie; null for API keys' }),
  })
  .meta({ id: 'Me' });
export type Me = z.infer<typeof Me>;

export const SignedIn = z.object({ user: User, csrfToken: z.string() }).meta({ id: 'SignedIn' });
export type SignedIn = z.infer<typeof SignedIn>;

export const SetupStatus = z.object({ needed: z.boolean().meta({ description: 'true until the owner exists' }) });
export type SetupStatus = z.infer<typeof SetupStatus>;

export const ApiKey = z
  .object({
    id: Id,
    userId: Id,
    userEmail: z.string(),
    name: z.string(),
    prefix: z.string().meta({ description: 'The first characters of the key, to recognise it' }),
    scopes: z.array(z.enum(CAPABILITIES)),
    createdAt: Timestamp,
    lastUsedAt: Timestamp.nullable(),
    expiresAt: Timestamp.nullable(),
    revokedAt: Timestamp.nullable(),
  })
  .meta({ id: 'ApiKey' });
export type ApiKey = z.infer<typeof ApiKey>;

export const ApiKeyList = z.object({ apiKeys: z.array(ApiKey) });

/** A new key: its value is in this answer only. */
export const ApiKeyCreated = z.object({
  apiKey: ApiKey,
  key: z.string().meta({ description: 'Shown this once; send it as "Authorization: Bearer <key>"' }),
});
export type ApiKeyCreated = z.infer<typeof ApiKeyCreated>;
