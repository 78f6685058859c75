/**
 * The server catalogue: each node type's definition paired with its `run`, assembled from
 * the node folders (see catalogue/generate.ts). A test checks that it lists exactly the
 * types of the browser-safe catalogue in `index.ts`.
 */
import type { ServerNode } from './sdk/index.ts';
import { serverNodes } from './runs.generated.ts';

export { serverNodes };

export const serverCatalogue: ReadonlyMap<string, ServerNode> = new Map(serverNodes.map((node) => [node.definition.type, node]));

export * from './index.ts';
export { applyHttpCredential, forgetOAuth2Token, hostAllowed } from './credentials/http-auth.ts';
// Every connection to another system goes through the outbound policy (also `@junction/nodes/outbound`).
export { configureOutbound, outboundFetch, refusalOf, OutboundRefusedError, type Refusal } from './outbound/index.ts';
export { postgresClientConfig } from './connector/sql/postgres.ts';
export { mysqlConnectionConfig } from './connector/sql/mysql.ts';
export { smtpConnectionOptions } from './connector/email/transports.ts';
// Databases: run SQL on a `postgres` or `mysql` credential through its pool (connector/sql/sessions.ts).
export { querySql, withSqlSession, DEFAULT_STATEMENT_TIMEOUT_MS, type SqlOptions, type SqlSession, type SqlResult, type SqlCredential, type SqlDialect } from './connector/sql/sessions.ts';
export { closeSqlPools, configureSqlPools, DEFAULT_POOL_SETTINGS } from './connector/sql/pools.ts';
export type { PoolSettings as SqlPoolSettings } from './connector/sql/driver.ts';
/** Closes the e-mail node's pooled SMTP transports: for the process's shutdown, after the worker has stopped. */
export { closeAll as closeEmailTransports } from './connector/email/transports.ts';
