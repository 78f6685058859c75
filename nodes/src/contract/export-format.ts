/** The `format` and `formatVersion` of the document a workflow is exported as (and imported from). No zod: see vocabulary.ts. */
export const EXPORT_FORMAT = 'junction.workflow';
export const EXPORT_FORMAT_VERSION = 1;
