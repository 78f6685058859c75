/**
 * `$vars` for the runs of one process: read from the database again only when a change
 * is newer than what is kept. A run asks for the variables at the revision it was loaded
 * with (in the same statement as the run, so with no query of its own): every change
 * committed before the run started its work is in them, whichever process made it.
 */
import type { VariableSnapshot } from '../db/queries/variables.ts';

export class VariableCache {
  private latest: Promise<VariableSnapshot> | null = null;
  private readonly read: () => Promise<VariableSnapshot>;

  constructor(read: () => Promise<VariableSnapshot>) {
    this.read = read;
  }

  /** The variables at `revision` or later; without one, as they are now. */
  async get(revision?: number): Promise<Record<string, string>> {
    if (revision !== undefined) {
      // Runs waiting on the same read share it; one that finds it too old starts the next.
      for (let current = this.latest; current; current = this.latest) {
        const snapshot = await current.catch(() => null);
        if (snapshot && snapshot.revision >= revision) return snapshot.values;
        if (this.latest === current) break;
      }
    }
    const reading = this.read();
    this.latest = reading;
    // A failed read is not kept: the next run asks again.
    reading.catch(() => {
      if (this.latest === reading) this.latest = null;
    });
    return (await reading).values;
  }
}
