/**
 * The words the API and the editor share: run and step statuses, roles, capabilities,
 * audit actions and error codes. Plain lists with no zod, so that a browser page can
 * import them (`@junction/nodes/vocabulary`) without the schemas: the editor bundles
 * these lists and nothing else of the contract. One module per concern, so that a page
 * bundles only the lists it shows (the audit page its actions, the users page its roles).
 *
 * A new word goes here first; the server's types then allow it, and the editor's tests
 * ask for its words in every language the editor speaks.
 */

export * from './statuses.ts';
export * from './roles.ts';
export * from './audit-actions.ts';
export * from './error-codes.ts';
export * from './export-format.ts';
