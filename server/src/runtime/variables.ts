/**
 * `$vars` for the runs of one worker: read from the database at most once per
 * `ttlMs` (and only when a run's step actually calls the sandbox), so a busy worker does
 * not add a query per run. A change is seen by runs starting after the cache expires.
 */
export class VariableCache {
  private value: Promise<Record<string, string>> | null = null;
  private readAt = 0;
  private readonly read: () => Promise<Record<string, string>>;
  private readonly ttlMs: number;

  constructor(read: () => Promise<Record<string, string>>, ttlMs = 2000) {
    this.read = read;
    this.ttlMs = ttlMs;
  }

  get(): Promise<Record<string, string>> {
    if (!this.value || Date.now() - this.readAt > this.ttlMs) {
      this.readAt = Date.now();
      const reading = this.read();
      this.value = reading;
      // A failed read is not kept: the next run asks again.
      reading.catch(() => {
        if (this.value === reading) this.value = null;
      });
    }
    return this.value;
  }
}
