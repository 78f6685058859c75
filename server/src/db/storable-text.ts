/**
 * Text PostgreSQL can store. Its `text` and `jsonb` types refuse the NUL character, and
 * `jsonb` also refuses half of a UTF-16 surrogate pair (JavaScript strings may hold
 * either: an API answer, a webhook body, a Code node's result). Run data is stored with
 * each such character replaced by U+FFFD; what people type into the API is refused with
 * a 400 instead (`unstorableAt`).
 */

/**
 * The escapes `\u0000` and of a surrogate not paired with its other half (`JSON.stringify`
 * writes exactly these as escapes; other JSON writers may escape a valid pair too, which
 * is kept), preceded by an even number of backslashes — so the escape is real, not the
 * text "\u0000" inside a string.
 */
const UNSTORABLE_ESCAPE =
  /(?<!\\)((?:\\\\)*)(?:\\u0000|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f][0-9a-f]{2})|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2})/gi;

/** JSON text for a jsonb value, with what jsonb cannot hold (in values and keys alike) replaced by U+FFFD. */
export function toJsonb(value: unknown): string {
  const text = JSON.stringify(value);
  return text.includes('\\u') ? text.replace(UNSTORABLE_ESCAPE, '$1\\ufffd') : text;
}

/** Where in a JSON text (a character offset) PostgreSQL could not store what it holds, or -1. */
export function unstorableAt(jsonText: string): number {
  UNSTORABLE_ESCAPE.lastIndex = 0;
  const match = UNSTORABLE_ESCAPE.exec(jsonText);
  UNSTORABLE_ESCAPE.lastIndex = 0;
  return match ? match.index + match[1]!.length : -1;
}
