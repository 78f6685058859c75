/**
 * Pure decisions of polling triggers: which of the rows a source holds now are news —
 * new keys, a growing column above its last value, new or changed content, or keys that
 * start to match again (once per episode) — and what to remember for the next look.
 */
import { getField, type JsonObject } from '@junction/nodes';

export type EmitRule =
  | { what: 'new'; by: 'key' | 'watermark'; field: string }
  | { what: 'changed'; field: string }
  | { what: 'episodes'; field: string };

export interface PollMemory {
  /** Whether the trigger looked before (its first look may only remember). */
  first: boolean;
  /** The highest value of the growing column seen so far. */
  watermark: string | number | null;
  /** What was remembered of the keys among the rows found now (key → content hash, or null). */
  seen: ReadonlyMap<string, string | null>;
}

export interface PollOutcome {
  /** The rows to start runs for. */
  news: JsonObject[];
  /** Keys to remember, with their content hash where it matters. */
  remember: { key: string; hash: string | null }[];
  /** Episodes: the keys matching now (every other remembered key is forgotten, so it can fire again). */
  matching: string[] | null;
  watermark: string | number | null;
  /** Rows without a usable key or value in the field, left out. */
  skipped: number;
}

/** The field's value as a key (text or number), or null when it has none. */
export function keyOf(row: JsonObject, field: string): string | null {
  const value = getField(row, field);
  return typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : null;
}

/** A stable hash of a row's content (key order does not matter): FNV-1a, 53 bits, as text. */
export function contentHash(row: unknown): string {
  const canonical = (value: unknown): string =>
    Array.isArray(value)
      ? `[${value.map(canonical).join(',')}]`
      : typeof value === 'object' && value !== null
        ? `{${Object.keys(value)
            .sort()
            .map((key) => `${JSON.stringify(key)}:${canonical((value as JsonObject)[key])}`)
            .join(',')}}`
        : JSON.stringify(value) ?? 'undefined';
  const text = canonical(row);
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return (hash & 0x1fffffffffffffn).toString(36);
}

/** Orders watermark values: numbers as numbers, anything else (ISO times, text) as text. */
function above(value: string | number, mark: string | number | null): boolean {
  if (mark === null) return true;
  return typeof value === 'number' && typeof mark === 'number' ? value > mark : String(value) > String(mark);
}

/**
 * @param emitFirst on the trigger's first look: also start runs for what is there already
 *   (otherwise it is only remembered)
 */
export function pollNews(rows: readonly JsonObject[], rule: EmitRule, memory: PollMemory, emitFirst: boolean): PollOutcome {
  const quiet = memory.first && !emitFirst;
  const outcome: PollOutcome = { news: [], remember: [], matching: rule.what === 'episodes' ? [] : null, watermark: memory.watermark, skipped: 0 };
  const keysNow = new Set<string>();
  for (const row of rows) {
    if (rule.what === 'new' && rule.by === 'watermark') {
      const value = getField(row, rule.field);
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
        outcome.skipped++;
        continue;
      }
      if (above(value, memory.watermark) && !quiet) outcome.news.push(row);
      if (above(value, outcome.watermark)) outcome.watermark = value;
      continue;
    }
    const key = keyOf(row, rule.field);
    if (key === null) {
      outcome.skipped++;
      continue;
    }
    // The same key twice in one look counts once.
    if (keysNow.has(key)) continue;
    keysNow.add(key);
    if (rule.what === 'changed') {
      const hash = contentHash(row);
      if (memory.seen.get(key) !== hash) {
        if (!quiet) outcome.news.push(row);
        outcome.remember.push({ key, hash });
      }
      continue;
    }
    if (!memory.seen.has(key)) {
      if (!quiet) outcome.news.push(row);
      outcome.remember.push({ key, hash: null });
    }
    outcome.matching?.push(key);
  }
  return outcome;
}
