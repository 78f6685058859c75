/**
 * The contract between Junction's server and its clients: what the API answers (zod
 * schemas, from which the server's OpenAPI document is generated and the editor's types
 * are inferred) and the words both sides share (vocabulary.ts). Browser-safe.
 *
 * Each schema that names an OpenAPI component says so with zod's own `.meta({ id })`.
 */
export * from './vocabulary.ts';
export * from './errors.ts';
export * from './workflows.ts';
export * from './runs.ts';
export * from './node-types.ts';
export * from './users.ts';
export * from './credentials.ts';
export * from './audit.ts';
export * from './variables.ts';
