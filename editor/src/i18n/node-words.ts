/**
 * Node types' words as i18n resources. Each node folder holds its words in every language
 * (nodes/src/<category>/<name>/words.<language>.ts, reaching the editor through
 * `@junction/nodes/words`, which carries no definitions, zod or run code); here they are
 * put under `nodeTypes.<category>.<name>`, so `nodeTypes.logic.if.params.op.label` is the
 * label of the If node's `op`.
 */
import { nodeWords, type NodeWords } from '@junction/nodes/words';

export type NodeTypeResources = Record<string, Record<string, NodeWords>>;

export function nodeTypeResources(language: string): NodeTypeResources {
  const byCategory: NodeTypeResources = {};
  for (const [type, words] of Object.entries(nodeWords[language] ?? {})) {
    const [category, name] = type.split('.') as [string, string];
    (byCategory[category] ??= {})[name] = words;
  }
  return byCategory;
}
