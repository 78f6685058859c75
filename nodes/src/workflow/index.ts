export * from './schema.ts';
export * from './policy.ts';
export * from './graph.ts';
export * from './expressions.ts';
export * from './validate.ts';
