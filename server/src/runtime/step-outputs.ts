/**
 * A run's step outputs as its executor holds them. A new result is in memory until its
 * checkpoint has stored it (db/step-data.ts); after that it stays in memory only while a
 * step that has yet to run will read it as input, and is otherwise dropped — a run of a
 * million items through five steps keeps one or two steps' items in memory, not five.
 * What is needed again (`$node("Name")`, lineage, a step's input after the run moved to
 * another worker) is loaded from storage, as little as the reader needs: lineage reads
 * only the pairing, which for per-item steps is stored as no data at all.
 */
import type pg from 'pg';
import type { Item, PairedItem, PortItems } from '@junction/nodes';
import { chunksOf, countsOfStored, encodeOutput, type Chunk, type EncodedOutput, type StoredOutput } from '../db/step-data.ts';
import { readPortItems, readPortPairing } from '../db/queries/step-data.ts';

interface Entry {
  counts: Record<string, number> | null;
  /** The items per port, when in memory. */
  items: PortItems | null;
  /** Where they are stored, once committed. */
  stored: StoredOutput | null;
  /** A result waiting for its checkpoint, cut into chunks (once). */
  encoded: EncodedOutput | null;
  encodeError: Error | null;
  /** Each port's `pairedItem`s, loaded for lineage. */
  pairing: Map<string, readonly (PairedItem | null | undefined)[]> | null;
}

export class StepOutputs {
  private readonly pool: pg.Pool;
  private readonly runId: string;
  private readonly limit: () => number;
  private readonly entries = new Map<string, Entry>();
  /** The run's chunks committed so far: never written again. */
  private readonly known = new Set<string>();
  /**
   * Chunks of results waiting for their checkpoint, by key. A result holding data another
   * pending one holds already (a step passing its items on) adds none: each checkpoint
   * writes the chunks its records name that the run does not have, whoever made them.
   */
  private readonly pendingChunks = new Map<string, Chunk>();
  private readonly has = { has: (hash: string) => this.known.has(hash) || this.pendingChunks.has(hash) };

  /** @param limit bytes of items one step may keep (JUNCTION_STEP_DATA_LIMIT) */
  constructor(pool: pg.Pool, runId: string, limit: () => number) {
    this.pool = pool;
    this.runId = runId;
    this.limit = limit;
  }

  /** A step's output as the run's rows have it (stored, not in memory). */
  loaded(nodeId: string, stored: StoredOutput | null): void {
    for (const hash of chunksOf(stored)) this.known.add(hash);
    this.entries.set(nodeId, { counts: stored ? countsOfStored(stored) : null, items: null, stored, encoded: null, encodeError: null, pairing: null });
  }

  /** A step's new result, to be stored with its next checkpoint. */
  result(nodeId: string, items: PortItems | null): void {
    const counts = items ? Object.fromEntries(Object.entries(items).map(([port, list]) => [port, list.length])) : null;
    this.entries.set(nodeId, { counts, items, stored: null, encoded: null, encodeError: null, pairing: null });
  }

  counts(nodeId: string): Record<string, number> | null {
    return this.entries.get(nodeId)?.counts ?? null;
  }

  /**
   * A pending result cut into chunks, for the checkpoint (null: it has no items). The
   * chunks the run has are left out; a result over the step data limit throws
   * StepDataTooLarge naming the step, here and on every later call.
   */
  encoded(nodeId: string): EncodedOutput | null {
    const entry = this.entries.get(nodeId);
    if (!entry?.items || entry.stored) return null;
    if (entry.encodeError) throw entry.encodeError;
    try {
      if (!entry.encoded) {
        entry.encoded = encodeOutput(nodeId, entry.items, this.has, this.limit());
        for (const chunk of entry.encoded.chunks) this.pendingChunks.set(chunk.hash, chunk);
      }
    } catch (error) {
      entry.encodeError = error as Error;
      throw error;
    }
    return entry.encoded;
  }

  /** Characters of JSON the pending results would write (encoding them now); Infinity when one is too large. */
  pendingChars(nodeIds: Iterable<string>): number {
    for (const nodeId of nodeIds) {
      try {
        this.encoded(nodeId);
      } catch {
        // Too large: the checkpoint, made at once, fails the step saying so.
        return Infinity;
      }
    }
    let chars = 0;
    for (const chunk of this.pendingChunks.values()) chars += chunk.text.length;
    return chars;
  }

  /** The chunks a stored output names that the run does not have yet and `taken` does not hold: what its checkpoint must write. */
  unwritten(output: StoredOutput | null, taken: ReadonlySet<string>): Chunk[] {
    const chunks: Chunk[] = [];
    for (const hash of chunksOf(output)) {
      if (this.known.has(hash) || taken.has(hash)) continue;
      const chunk = this.pendingChunks.get(hash);
      if (!chunk) throw new Error(`run ${this.runId}: a step's data names a chunk that is neither stored nor waiting to be (${hash})`);
      chunks.push(chunk);
    }
    return chunks;
  }

  /** The step's pending result was committed: its chunks are the run's now. */
  committed(nodeId: string): void {
    const entry = this.entries.get(nodeId);
    if (!entry?.encoded) return;
    for (const hash of chunksOf(entry.encoded.output)) {
      this.known.add(hash);
      this.pendingChunks.delete(hash);
    }
    entry.stored = entry.encoded.output;
    entry.encoded = null;
  }

  /** Nothing waits for a checkpoint any more: chunks of results replaced meanwhile go. */
  settled(): void {
    this.pendingChunks.clear();
  }

  /** The stored form of a committed step's items (what its row names). */
  storedOf(nodeId: string): StoredOutput | null {
    const entry = this.entries.get(nodeId);
    return entry?.encoded?.output ?? entry?.stored ?? null;
  }

  /** Drops from memory the stored items that `needed` says no step will read soon. */
  release(needed: (nodeId: string) => boolean): void {
    for (const [nodeId, entry] of this.entries) {
      if (entry.stored && (entry.items || entry.pairing) && !needed(nodeId)) {
        entry.items = null;
        entry.pairing = null;
      }
    }
  }

  /** The step's items per port if they are in memory. */
  inMemory(nodeId: string): PortItems | null {
    return this.entries.get(nodeId)?.items ?? null;
  }

  /** The step's items per port, loaded when they are not in memory (null: it has no output). */
  async items(nodeId: string): Promise<PortItems | null> {
    const entry = this.entries.get(nodeId);
    if (!entry) return null;
    if (entry.items) return entry.items;
    if (!entry.stored) return null;
    const items: PortItems = {};
    for (const port of entry.stored) items[port.port] = await readPortItems(this.pool, this.runId, port);
    entry.items = items;
    return items;
  }

  /** The items a step emitted on one port. */
  async port(nodeId: string, port: string): Promise<Item[]> {
    const entry = this.entries.get(nodeId);
    if (entry?.items) return entry.items[port] ?? [];
    const stored = entry?.stored?.find((p) => p.port === port);
    return stored ? (await this.items(nodeId))?.[port] ?? [] : [];
  }

  /** Makes `pairedItem(nodeId, ...)` answer for these steps (loading their pairing, not their data). */
  async loadPairing(nodeIds: Iterable<string>): Promise<void> {
    for (const nodeId of nodeIds) {
      const entry = this.entries.get(nodeId);
      if (!entry || entry.items || entry.pairing || !entry.stored) continue;
      const pairing = new Map<string, readonly (PairedItem | null | undefined)[]>();
      for (const port of entry.stored) pairing.set(port.port, await readPortPairing(this.pool, this.runId, port));
      entry.pairing = pairing;
    }
  }

  /** The `pairedItem` of an item of a port (after loadPairing, or with the items in memory). */
  pairedItem(nodeId: string, port: string, index: number): PairedItem | undefined {
    const entry = this.entries.get(nodeId);
    if (entry?.items) return entry.items[port]?.[index]?.pairedItem;
    const paired = entry?.pairing?.get(port)?.[index];
    if (paired === undefined && entry && !entry.pairing && entry.stored) throw new Error(`the pairing of step ${nodeId} was not loaded`);
    return paired ?? undefined;
  }
}
