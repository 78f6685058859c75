/**
 * Item lineage (`pairedItem`): which input item of its step each emitted item came from.
 * The runtime pairs per-item nodes' items itself; an all-items node pairs its own (or
 * leaves them unpaired), and the runtime checks what it says before anyone follows it.
 */
import type { PairedItem } from './types.ts';

/** The input indexes an item's `pairedItem` names (none when it has none). */
export function pairedIndexes(pairedItem: PairedItem | undefined): readonly number[] {
  if (pairedItem === undefined) return [];
  return typeof pairedItem === 'number' ? [pairedItem] : pairedItem;
}

/**
 * Why `pairedItem` cannot be an emitted item's lineage in a step that received
 * `inputCount` items, or undefined when it can (absent counts as unknown, which is allowed).
 */
export function pairedItemProblem(pairedItem: unknown, inputCount: number): string | undefined {
  if (pairedItem === undefined) return undefined;
  const indexes = Array.isArray(pairedItem) ? pairedItem : [pairedItem];
  for (const index of indexes) {
    if (!Number.isInteger(index) || (index as number) < 0) return `pairedItem ${String(JSON.stringify(index)).slice(0, 100)} is not an item index`;
    if ((index as number) >= inputCount) return `pairedItem ${index as number} names an input item the step did not receive (it received ${inputCount})`;
  }
  return undefined;
}
