/**
 * A node type's check messages, raised by key. The zod issue gets the English sentence
 * (what the API and run history say) and carries `params.i18n = { key, params }`, which
 * `validateWorkflow` passes on with the issue, so the editor shows the message in the
 * reader's language from the node's words instead of recognising an English sentence.
 */
import type { z } from 'zod';
import { NonRetriableError } from './errors.ts';
import { fillMessage, type MessageParams, type NodeMessage } from './words.ts';

/** The names of the `{{placeholders}}` of a message whose text is known at compile time (words declared `as const`). */
type Placeholders<S extends string> = S extends `${string}{{${infer P}}}${infer Rest}` ? P | Placeholders<Rest> : never;
/** The values a message needs: none, or one for each placeholder. */
type ParamsOf<S> = [Placeholders<S & string>] extends [never] ? [params?: MessageParams] : [params: Record<Placeholders<S & string>, string | number>];

type RawIssue = z.core.$ZodRawIssue;

export interface NodeMessages<M extends Readonly<Record<string, string>>> {
  /**
   * The error of a zod check (`.min()`, `.max()`, `.regex()`, a string format), as its
   * second argument: `.min(1, say.check('writeCode'))`.
   */
  check<K extends keyof M & string>(key: K, ...params: ParamsOf<M[K]>): { error: (issue: RawIssue) => string };
  /** An issue for a refinement: `ctx.addIssue({ ...say.issue('bodyNotAllowed', { method }), path: ['body'] })`. */
  issue<K extends keyof M & string>(key: K, ...params: ParamsOf<M[K]>): { code: 'custom'; message: string; params: { i18n: NodeMessage } };
  /**
   * A failure at run time that retrying cannot fix, with the English sentence as its
   * message and the key in `details.i18n`: `throw say.fail('expired', { until })`.
   */
  fail<K extends keyof M & string>(key: K, ...params: ParamsOf<M[K]>): NonRetriableError;
}

/**
 * The messages of node type `type`, from its English words.
 *
 * @example
 * const say = nodeMessages('code.javascript', words.messages);
 * z.string().min(1, say.check('writeCode'));
 */
export function nodeMessages<M extends Readonly<Record<string, string>>>(type: string, english: M): NodeMessages<M> {
  const message = (key: string, params: MessageParams = {}) => {
    const text = english[key];
    if (text === undefined) throw new Error(`node type ${type} has no message "${key}" in its English words`);
    return { i18n: { key: `${type}.${key}`, params }, text: fillMessage(text, params) };
  };
  return {
    check(key, ...[params]) {
      const { i18n, text } = message(key, params);
      return {
        // zod (4.6) copies the issue an error map was given after asking it for the message, so
        // what the map adds travels with the sentence; messages.test.ts fails if an upgrade stops that.
        error: (issue) => {
          Object.assign(issue, { params: { ...(issue as { params?: object }).params, i18n } });
          return text;
        },
      };
    },
    issue(key, ...[params]) {
      const { i18n, text } = message(key, params);
      return { code: 'custom', message: text, params: { i18n } };
    },
    fail(key, ...[params]) {
      const { i18n, text } = message(key, params);
      return new NonRetriableError(text, { details: { i18n } });
    },
  };
}

/** The node message a zod issue carries, if a node's check raised it by key. */
export function nodeMessageOf(issue: z.core.$ZodIssue): NodeMessage | undefined {
  const i18n = (issue as { params?: { i18n?: unknown } }).params?.i18n as Partial<NodeMessage> | undefined;
  if (typeof i18n?.key !== 'string' || typeof i18n.params !== 'object' || i18n.params === null) return undefined;
  return { key: i18n.key, params: i18n.params };
}
