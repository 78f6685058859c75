/** Tokens belong to the layer below the database (it stores their hashes); auth uses them from there. */
export * from '../crypto/tokens.ts';
