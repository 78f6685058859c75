/** The outbound policy and the connections made under it (`@junction/nodes/outbound`, server only). */
export * from './policy.ts';
export * from './connect.ts';
