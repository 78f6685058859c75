/**
 * Credential types: what a stored credential holds, one zod schema each. Browser-safe:
 * the editor renders the forms from the JSON Schema the API publishes (fields marked
 * `writeOnly` are secrets: a password input, never shown again). The server seals the
 * whole value; `secretFields` are the ones never returned and scrubbed from run history.
 */
import { z } from 'zod';

const secret = (description: string) => z.string().min(1, 'Fill this in').max(8192).meta({ writeOnly: true, description });
/**
 * The first character of `value` an HTTP header cannot carry, as a message shows it
 * (`€`, `U+000A`); undefined when there is none. Header values travel as one byte per
 * character, so only printable Latin-1 fits: fetch refuses anything past U+00FF and
 * line breaks, and control characters are never part of a real key or token.
 */
export function unsendableInHeader(value: string): string | undefined {
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (code > 0xff) return char;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return undefined;
}

/** A secret sent as (part of) a header value as it is: refused when saved rather than at every run. */
const headerSecret = (description: string) =>
  z
    .string()
    .min(1, 'Fill this in')
    .max(8192)
    .superRefine((value, ctx) => {
      const char = unsendableInHeader(value);
      if (char) {
        ctx.addIssue({
          code: 'custom',
          message: `Holds a character HTTP headers cannot carry (${char}); only printable Latin-1 characters (letters without accents, digits, punctuation) can be sent`,
        });
      }
    })
    .meta({ writeOnly: true, description });
const optionalSecret = (description: string) => z.string().max(8192).meta({ writeOnly: true, description }).optional();

const Host = z
  .string()
  .trim()
  .min(1, 'Give the server name or address')
  .max(255)
  .regex(/^[A-Za-z0-9.\-_:[\]]+$/, 'A host name or IP address, without "http://" or a path')
  .describe('Server name or IP address, e.g. db.example.com');
const Port = (fallback: number) => z.number().int().min(1).max(65535).default(fallback).describe('TCP port');

/** Hosts an HTTP credential may be sent to; empty: any. Keeps a shared token from being sent to the wrong server. */
const AllowedHosts = z
  .array(z.string().trim().toLowerCase().min(1).max(255).regex(/^(\*\.)?[a-z0-9.\-:[\]]+$/, 'A host name, optionally starting with "*." for its subdomains'))
  .max(50)
  .default([])
  .describe('Send this credential only to these hosts (e.g. api.shop.com, *.erp.example.com, or erp.local:8443 for that port only; a name alone allows any port). Empty: any host.');

export const HttpHeaderCredential = z
  .object({
    name: z.string().trim().min(1).max(256).regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, 'Not a valid header name').describe('Header name, e.g. X-API-Key'),
    value: headerSecret('Header value'),
    allowedHosts: AllowedHosts,
  })
  .strict();

export const HttpBearerCredential = z.object({ token: headerSecret('The token sent as "Authorization: Bearer <token>"'), allowedHosts: AllowedHosts }).strict();

export const HttpBasicCredential = z
  .object({ username: z.string().min(1).max(1024).describe('User name'), password: secret('Password'), allowedHosts: AllowedHosts })
  .strict();

export const OAuth2ClientCredentials = z
  .object({
    tokenUrl: z.url({ protocol: /^https?$/, message: 'Give the full address of the token endpoint, starting with https://' }).max(2048).describe('Token endpoint'),
    clientId: z.string().min(1).max(1024).describe('Client id'),
    clientSecret: secret('Client secret'),
    scope: z.string().max(2048).optional().describe('Scopes to ask for, separated by spaces'),
    audience: z.string().max(2048).optional().describe('Audience, for servers that want one'),
    sendCredentials: z.enum(['header', 'body']).default('header').describe('Send the client id and secret as Basic auth (header) or in the form body'),
    allowedHosts: AllowedHosts,
  })
  .strict();

const SslMode = z.enum(['disable', 'require', 'verify-full']).default('disable').describe('disable; require (encrypted, certificate not checked); verify-full (encrypted, certificate checked)');

export const PostgresCredential = z
  .object({ host: Host, port: Port(5432), database: z.string().min(1).max(255), user: z.string().min(1).max(255), password: optionalSecret('Password'), ssl: SslMode })
  .strict();

export const MysqlCredential = z
  .object({ host: Host, port: Port(3306), database: z.string().max(255).optional(), user: z.string().min(1).max(255), password: optionalSecret('Password'), ssl: SslMode })
  .strict();

export const SmtpCredential = z
  .object({
    host: Host,
    port: Port(587),
    security: z.enum(['starttls', 'tls', 'none']).default('starttls').describe('starttls (port 587), tls (port 465) or none (local relays only)'),
    user: z.string().max(1024).optional(),
    password: optionalSecret('Password'),
    from: z.email().optional().describe('Default sender address'),
  })
  .strict();

export const HmacSecretCredential = z.object({ secret: secret('The shared signing secret').pipe(z.string().min(8, 'A signing secret needs at least 8 characters')) }).strict();

export const CREDENTIAL_TYPES = {
  httpHeader: { label: 'HTTP header', description: 'An API key sent in a header of your choice', schema: HttpHeaderCredential, secretFields: ['value'] },
  httpBearer: { label: 'Bearer token', description: 'Authorization: Bearer <token>', schema: HttpBearerCredential, secretFields: ['token'] },
  httpBasic: { label: 'Basic auth', description: 'User name and password (HTTP Basic)', schema: HttpBasicCredential, secretFields: ['password'] },
  oauth2ClientCredentials: {
    label: 'OAuth2 client credentials',
    description: 'Fetches an access token with a client id and secret, and keeps it until it expires',
    schema: OAuth2ClientCredentials,
    secretFields: ['clientSecret'],
  },
  postgres: { label: 'PostgreSQL', description: 'A PostgreSQL database connection', schema: PostgresCredential, secretFields: ['password'] },
  mysql: { label: 'MySQL / MariaDB', description: 'A MySQL or MariaDB database connection', schema: MysqlCredential, secretFields: ['password'] },
  smtp: { label: 'SMTP', description: 'An e-mail server to send through', schema: SmtpCredential, secretFields: ['password'] },
  hmacSecret: { label: 'Webhook signing secret', description: 'The secret a sending system signs its webhooks with (HMAC-SHA256)', schema: HmacSecretCredential, secretFields: ['secret'] },
} as const;

export type CredentialTypeId = keyof typeof CREDENTIAL_TYPES;
export const CREDENTIAL_TYPE_IDS = Object.keys(CREDENTIAL_TYPES) as CredentialTypeId[];

export const isCredentialType = (type: string): type is CredentialTypeId => Object.hasOwn(CREDENTIAL_TYPES, type);

/** A decrypted credential as a node's `run` receives it (server only). */
export type CredentialValue = {
  [K in CredentialTypeId]: { id: string; type: K; data: z.infer<(typeof CREDENTIAL_TYPES)[K]['schema']> };
}[CredentialTypeId];

/** The HTTP credential types: what connector.http accepts. */
export const HTTP_CREDENTIAL_TYPES = ['httpHeader', 'httpBearer', 'httpBasic', 'oauth2ClientCredentials'] as const satisfies readonly CredentialTypeId[];

/** A credential reference in a node's params: the credential's id. */
export const CredentialRef = z.uuid({ message: 'Choose a credential (its id)' }).describe('The credential to use (its id)');
