/**
 * Scrubs known secret values out of what a step leaves behind — its output, its error
 * (a remote server's answer may echo a token) and its log lines — before anything is
 * checkpointed or passed on. Each secret becomes `[redacted]`, whatever its length.
 */
export const REDACTED = '[redacted]';

/** Shorter values cannot be hidden without mangling ordinary text; credential schemas ask for longer ones. */
const MIN_SECRET_LENGTH = 4;

export class Redactor {
  private readonly secrets = new Set<string>();

  get empty(): boolean {
    return this.secrets.size === 0;
  }

  add(secret: string): void {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) return;
    // The forms a secret takes when echoed inside JSON text or a URL.
    for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]) {
      if (form.length >= MIN_SECRET_LENGTH) this.secrets.add(form);
    }
  }

  text(value: string): string {
    let out = value;
    // Longest first, so a secret containing another is replaced whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(secret)) out = out.replaceAll(secret, REDACTED);
    }
    return out;
  }

  /** A copy of `value` with every string (and object key) scrubbed. */
  scrub<T>(value: T): T {
    if (this.empty) return value;
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((element) => this.walk(element));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) {
        Object.defineProperty(out, this.text(key), { value: this.walk(inner), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return value;
  }
}
