/**
 * How a step's items are stored: in `step_data`, apart from the step's `steps` row.
 *
 * A port's items are cut into parts of at most PART_ITEMS items and PART_CHARS characters
 * of JSON (an item bigger than that is a part of its own). A part's `json` values make one
 * chunk and, when its items say where they came from, their `pairedItem`s another. A chunk
 * is keyed by the SHA-256 of its JSON text within its run, so the same data emitted by
 * several steps of a run — a step passing its items on, paired or not — is stored once.
 * The `steps` row keeps only what the parts are (`StoredOutput`): a few dozen bytes per
 * part, so a run's rows stay small however much data it carries.
 *
 * Pairing that is each item's own index (item i came from input item i: what every
 * per-item node emits) is kept as `paired: "index"`, with no chunk at all.
 */
import { createHash } from 'node:crypto';
import type { Item, PairedItem, PortItems } from '@junction/nodes';
import { toJsonb } from './storable-text.ts';

/** Most items in one part. */
export const PART_ITEMS = 1000;
/** Most characters of JSON in one part (unless one item alone is more). */
export const PART_CHARS = 1024 * 1024;

export interface StoredPart {
  /** How many items. */
  count: number;
  /** Bytes of their `json` chunk. */
  bytes: number;
  /** The chunk holding their `json` values. */
  json: string;
  /** The chunk holding their `pairedItem`s (null for none), when the port's pairing is `parts`. */
  paired?: string;
}

export interface StoredPort {
  port: string;
  count: number;
  /** Bytes of JSON of the port's `json` values. */
  bytes: number;
  /** Where the items' `pairedItem` is: none has one, item i came from input item i, or in each part's chunk. */
  paired: 'none' | 'index' | 'parts';
  parts: StoredPart[];
}

/** A step's output as its `steps` row keeps it: its ports in the order it emitted them. */
export type StoredOutput = StoredPort[];

/** A chunk to write: a JSON array's text and its key. */
export interface Chunk {
  hash: string;
  count: number;
  bytes: number;
  text: string;
}

/**
 * A step's output is more JSON than a step may keep (JUNCTION_STEP_DATA_LIMIT). It carries
 * PostgreSQL's code for a size limit, so it is handled as PostgreSQL's own refusal would
 * be — and refused before hundreds of megabytes travel to be refused there.
 */
export class StepDataTooLarge extends Error {
  override name = 'StepDataTooLarge';
  readonly code = '54000';
  readonly nodeId: string;
  constructor(nodeId: string, bytes: number, limit: number) {
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    super(`it is ${mb(bytes)} of data, more than the ${mb(limit)} a step may keep (JUNCTION_STEP_DATA_LIMIT)`);
    this.nodeId = nodeId;
  }
}

export interface EncodedOutput {
  output: StoredOutput;
  /** Chunks neither in `known` nor repeated within this output: what must be written with it. */
  chunks: Chunk[];
  /** Bytes of JSON of all its chunks, new or not. */
  bytes: number;
}

const hashOf = (text: string) => createHash('sha256').update(text).digest('base64url');

/**
 * Cuts a step's output into chunks and keys them.
 *
 * @param known chunks the run has already (or will with the same checkpoint): left out of `chunks`
 * @param limit bytes the output may have; past it, StepDataTooLarge names `nodeId` and the whole size
 */
export function encodeOutput(nodeId: string, output: PortItems, known: { has(hash: string): boolean }, limit: number): EncodedOutput {
  const chunks: Chunk[] = [];
  const fresh = new Set<string>();
  let total = 0;
  const add = (text: string, count: number): { hash: string; bytes: number } => {
    const bytes = Buffer.byteLength(text);
    total += bytes;
    // Past the limit only the size is still counted, for the message: nothing is kept.
    if (total > limit) return { hash: '', bytes };
    const hash = hashOf(text);
    if (!known.has(hash) && !fresh.has(hash)) {
      fresh.add(hash);
      chunks.push({ hash, count, bytes, text });
    }
    return { hash, bytes };
  };
  const stored: StoredOutput = [];
  for (const [port, items] of Object.entries(output)) {
    const paired = pairingOf(items);
    const parts: StoredPart[] = [];
    let bytes = 0;
    for (let start = 0; start < items.length; ) {
      const texts: string[] = [];
      let chars = 0;
      let end = start;
      while (end < items.length && texts.length < PART_ITEMS) {
        const text = toJsonb(items[end]!.json);
        if (texts.length > 0 && chars + text.length > PART_CHARS) break;
        texts.push(text);
        chars += text.length + 1;
        end++;
      }
      const json = add(`[${texts.join(',')}]`, texts.length);
      const part: StoredPart = { count: texts.length, bytes: json.bytes, json: json.hash };
      if (paired === 'parts') {
        part.paired = add(JSON.stringify(items.slice(start, end).map((item) => item.pairedItem ?? null)), texts.length).hash;
      }
      bytes += json.bytes;
      parts.push(part);
      start = end;
    }
    stored.push({ port, count: items.length, bytes, paired, parts });
  }
  if (total > limit) throw new StepDataTooLarge(nodeId, total, limit);
  return { output: stored, chunks, bytes: total };
}

function pairingOf(items: readonly Item[]): StoredPort['paired'] {
  let any = false;
  let index = true;
  for (let i = 0; i < items.length; i++) {
    const paired = items[i]!.pairedItem;
    if (paired !== undefined) any = true;
    if (paired !== i) index = false;
  }
  return !any ? 'none' : index ? 'index' : 'parts';
}

/** Every chunk a stored output refers to. */
export function chunksOf(output: StoredOutput | null | undefined): string[] {
  const hashes: string[] = [];
  for (const port of output ?? []) {
    for (const part of port.parts) {
      hashes.push(part.json);
      if (part.paired) hashes.push(part.paired);
    }
  }
  return hashes;
}

/** Items per port of a stored output. */
export function countsOfStored(output: StoredOutput | null | undefined): Record<string, number> {
  return Object.fromEntries((output ?? []).map((port) => [port.port, port.count]));
}

/** Part `part` of a port, and the slice `from`..`to` (within the part) of its items that a range covers. */
export interface PartSlice {
  part: StoredPart;
  /** Index in the port of the part's first item. */
  offset: number;
  from: number;
  to: number;
}

/** The parts holding items `start`..`end` (exclusive) of a port, and which of their items. */
export function slicesOf(port: StoredPort, start: number, end: number): PartSlice[] {
  const slices: PartSlice[] = [];
  let offset = 0;
  for (const part of port.parts) {
    const partEnd = offset + part.count;
    if (partEnd > start && offset < end) {
      slices.push({ part, offset, from: Math.max(0, start - offset), to: Math.min(part.count, end - offset) });
    }
    if (partEnd >= end) break;
    offset = partEnd;
  }
  return slices;
}

/**
 * Items of a slice, from its chunks' values (`json` from `from` to `to` of the part, and
 * the pairing chunk's same values when the port has one).
 */
export function itemsOfSlice(port: Pick<StoredPort, 'paired'>, slice: PartSlice, json: readonly unknown[], paired: readonly unknown[] | null): Item[] {
  const items: Item[] = [];
  for (let k = 0; k < json.length; k++) {
    const item: Item = { json: json[k] as Item['json'] };
    if (port.paired === 'index') item.pairedItem = slice.offset + slice.from + k;
    else if (port.paired === 'parts' && paired && paired[k] !== null && paired[k] !== undefined) item.pairedItem = paired[k] as PairedItem;
    items.push(item);
  }
  return items;
}
