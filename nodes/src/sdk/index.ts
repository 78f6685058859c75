export * from './types.ts';
export * from './define.ts';
export * from './errors.ts';
export * from './item-fields.ts';
export * from './item-limits.ts';
export * from './pairing.ts';
export * from './words.ts';
export * from './messages.ts';
