/**
 * Every node type's words, for the editor (`@junction/nodes/words`): labels, descriptions,
 * param labels and help, choices and check messages, by language then type id. Apart from
 * the catalogue so the editor's first load carries the words without the definitions, zod
 * or any `run.ts` (catalogue.test.ts checks what it imports).
 */
export { NODE_LANGUAGES, nodeWords } from './words.generated.ts';
export { fillMessage, splitMessageKey } from './sdk/words.ts';
// What a refused outbound connection says (a step's error, a credential test), by language.
export { outboundWords, refusalParams } from './outbound/refusal-words.ts';
export type { MessageParams, NodeMessage, NodeWords, ParamWords } from './sdk/words.ts';
