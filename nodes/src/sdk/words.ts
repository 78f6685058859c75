/**
 * A node type's words: what the editor shows for it, in one language. Each node folder
 * holds one file per language the editor speaks, `words.<language>.ts` (`words.en.ts`,
 * `words.zh-TW.ts`), each exporting `words`. English is the reference: the definition takes
 * its label, description and check messages from it, and every other language is typed
 * against it (`Translation<typeof en>`), so a missing key fails the typecheck.
 *
 * Browser-safe and free of zod: the editor loads every node type's words up front.
 *
 * @example
 * // nodes/src/connector/http/words.en.ts
 * export const words = {
 *   label: 'HTTP request',
 *   description: 'Calls any HTTP API; the answer (status, headers, body) becomes the item.',
 *   params: { url: { label: 'URL', help: 'The address to call.' } },
 *   options: { responseFormat: { auto: 'Automatic', json: 'JSON', text: 'Text' } },
 *   messages: { bodyNotAllowed: 'A {{method}} request cannot have a body' },
 * } as const satisfies NodeWords;
 */

/** Words of one param, found by its property name at any depth. */
export interface ParamWords {
  label: string;
  /** Shown under the field; without it the editor shows the schema's `.describe()` text. */
  help?: string;
  /** What a choice that is not made yet says ("Choose a comparison"). */
  choose?: string;
}

export interface NodeWords {
  /** The name in the palette and on the canvas. */
  label: string;
  /** One sentence: what the node does. */
  description: string;
  /**
   * By property name, wherever the property sits: a property of a list's entries too
   * (`conditions[0].op` is `op`). A param without words shows its name, humanized.
   */
  params?: Record<string, ParamWords>;
  /** The names of choices (enum values, a union's `const` tags): `options[property][value]`. */
  options?: Record<string, Record<string, string>>;
  /**
   * The node's check messages by key (letters and digits). `{{name}}` stands for a value
   * given when the message is raised; see `nodeMessages` in messages.ts.
   */
  messages?: Record<string, string>;
}

/** The same words in another language: every key of the English, any text. */
export type Translation<T> = { [K in keyof T]: T[K] extends string ? string : Translation<T[K]> };

/** What stands in a message's `{{placeholders}}`. */
export type MessageParams = Record<string, string | number>;

/**
 * A node type's message as data: which one (`<node type>.<message key>`, e.g.
 * `connector.http.bodyNotAllowed`) and the values of its placeholders. The English sentence
 * goes with it; a reader in another language gets the message from the node's words.
 */
export interface NodeMessage {
  key: string;
  params: MessageParams;
}

/** `'connector.http.bodyNotAllowed'` → `{ type: 'connector.http', message: 'bodyNotAllowed' }`; undefined for a key of another form. */
export function splitMessageKey(key: string): { type: string; message: string } | undefined {
  const m = /^([a-z]+\.[a-zA-Z][a-zA-Z0-9]*)\.([a-zA-Z][a-zA-Z0-9]*)$/.exec(key);
  return m ? { type: m[1]!, message: m[2]! } : undefined;
}

/** `text` with each `{{name}}` replaced by `params[name]`; a placeholder without a value stays as written. */
export function fillMessage(text: string, params: MessageParams): string {
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}
