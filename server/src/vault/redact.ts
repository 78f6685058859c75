/** The scrubbing of secrets out of what a step leaves behind lives with the node SDK, which hands it to nodes as `ctx.scrub`. */
export { Redactor, REDACTED } from '@junction/nodes';
