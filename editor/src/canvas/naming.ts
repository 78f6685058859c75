/** Ids and names of new nodes. Ids are random (stable forever); names are for people and must be unique. */

export const newNodeId = (): string => crypto.randomUUID();

/** `base`, or `base 2`, `base 3`… — the first that no node has (names compare case-insensitively). */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  const trimmed = base.trim() || 'Node';
  if (!taken.has(trimmed.toLowerCase())) return trimmed;
  const stem = trimmed.replace(/\s+\d+$/, '');
  for (let n = 2; ; n++) {
    const candidate = `${stem} ${n}`;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}
