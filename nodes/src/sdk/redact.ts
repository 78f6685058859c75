/**
 * Scrubs known secret values out of what a step leaves behind — its output, its error
 * (a remote server's answer may echo a token) and its log lines — before anything is
 * checkpointed or passed on. Each secret becomes `[redacted]`, whatever its length.
 * The runtime keeps one per step; a node reaches it as `ctx.scrub` to cut an excerpt
 * (a failed answer's body) only after the secrets are out of it.
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

  /**
   * `value` with every secret replaced. With `maxChars`, then cut to at most that many
   * characters (`…` marks a cut), never leaving the first part of a secret behind: text at
   * the end that begins a secret (the answer itself was cut short there) goes too.
   *
   * @example redactor.text(responseBody, 500)
   */
  text(value: string, maxChars?: number): string {
    let scrubbed = value;
    // Longest first, so a secret containing another is replaced whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (scrubbed.includes(secret)) scrubbed = scrubbed.replaceAll(secret, REDACTED);
    }
    if (maxChars === undefined) return scrubbed;
    if (scrubbed.length <= maxChars) return this.withoutSecretStart(scrubbed);
    let cut = Math.max(0, maxChars - 1);
    // Not inside a marker: "[reda…" would read as something else.
    const marker = scrubbed.lastIndexOf(REDACTED, cut - 1);
    if (marker >= 0 && marker + REDACTED.length > cut) cut = marker;
    return `${this.withoutSecretStart(scrubbed.slice(0, cut))}…`;
  }

  /** `text` with its end replaced by the marker where that end is the start of a secret (at least MIN_SECRET_LENGTH characters of it). */
  private withoutSecretStart(text: string): string {
    let cut = text.length;
    for (const secret of this.secrets) {
      for (let length = Math.min(secret.length - 1, text.length); length >= MIN_SECRET_LENGTH; length--) {
        if (text.endsWith(secret.slice(0, length))) {
          cut = Math.min(cut, text.length - length);
          break;
        }
      }
    }
    return cut === text.length ? text : `${text.slice(0, cut)}${REDACTED}`;
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
