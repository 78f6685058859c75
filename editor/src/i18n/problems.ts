/**
 * Errors and field problems in the reader's language. The server writes English: an API
 * error is shown as the translation of its `code`, with the server's sentence kept as
 * detail when it names what went wrong (a field, a node, a host); a field problem in
 * zod's wording ("Too small: expected string to have >=1 characters") becomes plain
 * words ("At least 1 character"); a node type's own check comes with its key and values
 * (`i18n`) and is told in the node's words; the checks of the workflow, credential types
 * and the API's requests are translated by their English sentence (`checks`); other
 * sentences are shown as they are.
 */
import { splitMessageKey, type NodeMessage } from '@junction/nodes/words';
import { ApiError } from '../api/client.ts';
import { i18n } from './index.ts';

/** Codes whose server sentence says no more than their translation: shown without detail. */
const SAYS_NO_MORE = new Set([
  'csrf_failed',
  'internal_error',
  'invalid_credentials',
  'network',
  'no_access_rule',
  'setup_done',
  'unauthenticated',
  'unsupported_media_type',
  'workflow_deleted',
  'wrong_password',
]);

export interface ErrorText {
  message: string;
  /** The server's own sentence, when it says more than `message`. */
  detail?: string;
}

/** What to tell a person about any error: a translated sentence for the API's known codes, else the error's own words. */
export function describeError(error: unknown): ErrorText {
  if (error instanceof ApiError) return describeCode(error.code, error.message);
  if (error instanceof Error) return { message: error.message };
  return { message: String(error) };
}

function describeCode(code: string | undefined, message: string): ErrorText {
  const key = `apiErrors.${code}`;
  if (!code || !i18n.exists(key)) return { message };
  if (SAYS_NO_MORE.has(code)) return { message: i18n.t(key) };
  // A sentence the server writes in words we have (`checks`: an address already in use) says it all, and names what the code's cannot.
  const written = writtenCheck(message);
  if (written !== undefined) return { message: written };
  const detail = plainIssue(message);
  return detail === i18n.t(key) ? { message: detail } : { message: i18n.t(key), detail };
}

const joined = ({ message, detail }: ErrorText) => (detail ? i18n.t('withDetail', { message, detail }) : message);

/** `describeError` as one sentence: "Translated sentence (the server's)". */
export function errorSentence(error: unknown): string {
  return joined(describeError(error));
}

/** Codes of a value that failed its field's check: the sentence is about that field alone, and says it best. */
const FIELD_CHECKS = new Set(['invalid_request', 'invalid_params', 'invalid_value']);

/**
 * A node type's own message (an issue's `i18n`: `{ key: 'connector.http.bodyNotAllowed',
 * params: { method: 'GET' } }`) in the reader's language, from the node's words; undefined
 * for a node type this editor has no words for.
 */
export function nodeMessageText(message: NodeMessage): string | undefined {
  const parts = splitMessageKey(message.key);
  const key = parts && `nodeTypes.${parts.type}.messages.${parts.message}`;
  if (!key || !i18n.exists(key)) return undefined;
  // A value that is itself a check's sentence (a schedule's problem: "This schedule never fires") is told in the reader's words too.
  const params = Object.fromEntries(Object.entries(message.params ?? {}).map(([name, value]) => [name, typeof value === 'string' ? (writtenCheck(value) ?? value) : value]));
  return i18n.t(key, params);
}

/**
 * One problem of those the server or the editor's check listed (`{ code, message, i18n? }`),
 * shown where it is about (on a field, a node): a node type's own message in its words, a
 * field's check in plain words (zod's wording translated), anything else as its code's
 * sentence with the server's words.
 */
export function issueSentence(issue: { code?: string; message: string; i18n?: NodeMessage }): string {
  const said = issue.i18n && nodeMessageText(issue.i18n);
  if (said !== undefined) return said;
  const plain = plainIssue(issue.message);
  if (plain !== issue.message || FIELD_CHECKS.has(issue.code ?? '')) return plain;
  return joined(describeCode(issue.code, issue.message));
}

/** What the server said about one field of a request (`password`, `data.host`), in the reader's words; undefined when it named another. */
export function fieldError(error: unknown, path: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const issue = error.issues.find((i) => i.path === path) ?? (error.path === path ? { code: error.code, message: error.message } : undefined);
  if (!issue) return undefined;
  // The server starts an issue's sentence with the field it is about: shown beside that field, it need not.
  return issueSentence({ code: issue.code, message: issue.message.startsWith(`${path}: `) ? issue.message.slice(path.length + 2) : issue.message });
}

const problem = (key: string, values: Record<string, unknown> = {}) => i18n.t(`fieldProblems.${key}`, values);

/** zod's `a|b` and `'a' | 'b'` lists of allowed values, as the reader sees them: `a, b`. */
function valueList(text: string): string {
  return allowedValues(text).join(i18n.t('fieldProblems.listSeparator'));
}

const allowedValues = (text: string) => [...text.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|([^|\s'"][^|]*)/g)].map((m) => (m[1] ?? m[2] ?? m[3] ?? '').trim());

/** The values a "one of" check allows (`Invalid option: expected one of "a"|"b"` → `['a', 'b']`); undefined for any other check. */
export function choicesOf(message: string): string[] | undefined {
  const m = /^Invalid option: expected one of (.+)$/.exec(message);
  return m ? allowedValues(m[1]!) : undefined;
}

const SIZED = /^Too (small|big): expected (string|array|set|file|map) to have (>=|<=|>|<|exactly )(\d+) \w+$/;
const LIMITED = /^Too (small|big): expected (\w+) to be (>=|<=|>|<|exactly )(\S+)$/;

/**
 * A failed check in plain words of the reader's language: zod's English wording, or a
 * sentence the workflow, credential types and the API write themselves (`checks`); any
 * other sentence unchanged. What the server puts before it (`field: `) is kept.
 * `nodeMessages`: node types' messages too, recognised by their English (see
 * `nodeMessageByEnglish`: only for text that lost its key).
 *
 * @example plainIssue('Invalid input: expected string, received undefined') // 'Required'
 */
export function plainIssue(message: string, options: { nodeMessages?: boolean } = {}): string {
  // "url: Invalid URL", "The request body is not valid: name: Too small: …", "data.host: Give the server name or address"
  for (let at = 0; at >= 0; at = message.indexOf(': ', at + 1)) {
    const start = at === 0 ? 0 : at + 2;
    const rest = message.slice(start);
    const plain = plainCheck(rest) ?? writtenCheck(rest) ?? (options.nodeMessages ? nodeMessageByEnglish(rest) : undefined);
    if (plain !== undefined) return `${message.slice(0, start)}${plain}`;
  }
  return message;
}

type Sentences = [key: string, pattern: RegExp][];

/** A pattern for each English sentence, by its key: `A {{method}} request cannot have a body` → /^A (?<method>.+?) request cannot have a body$/. */
function sentencePatterns(english: Record<string, string>, prefix: string): Sentences {
  return Object.entries(english).map(([key, text]) => {
    const parts = text.split(/\{\{(\w+)\}\}/).map((part, i) => (i % 2 ? `(?<${part}>.+?)` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    return [`${prefix}${key}`, new RegExp(`^${parts.join('')}$`, 's')];
  });
}

function translated(sentences: Sentences, message: string): string | undefined {
  for (const [key, pattern] of sentences) {
    const match = pattern.exec(message);
    if (!match) continue;
    const values: Record<string, string> = { ...match.groups };
    // A reason given inside a sentence may be one we have words for too ("… could not look at its source: erp.example answered 503").
    if (values.reason) values.reason = plainIssue(values.reason, { nodeMessages: true });
    return i18n.t(key, values);
  }
  return undefined;
}

let writtenChecks: Sentences | undefined;

/** A check written in the words of the workflow, a credential type or the API (`checks` in problems.en.ts), in the reader's language. */
function writtenCheck(message: string): string | undefined {
  writtenChecks ??= sentencePatterns(i18n.getResource('en', 'translation', 'checks') as Record<string, string>, 'checks.');
  return translated(writtenChecks, message);
}

let nodeSentences: Sentences | undefined;

/**
 * A node type's message recognised by its English sentence. Everywhere a node's message
 * is an issue it carries its key (`nodeMessageText`); the runtime, though, records the
 * problems of params filled in at run time as English text alone ("the parameters are not
 * valid when filled in: url: …"), so a failed step's error can only be read this way.
 */
function nodeMessageByEnglish(message: string): string | undefined {
  if (!nodeSentences) {
    const byCategory = i18n.getResource('en', 'translation', 'nodeTypes') as Record<string, Record<string, { messages?: Record<string, string> }>>;
    nodeSentences = Object.entries(byCategory).flatMap(([category, types]) =>
      Object.entries(types).flatMap(([name, words]) => sentencePatterns(words.messages ?? {}, `nodeTypes.${category}.${name}.messages.`)),
    );
  }
  return translated(nodeSentences, message);
}

function plainCheck(message: string): string | undefined {
  let m: RegExpExecArray | null;
  if ((m = /^Invalid input: expected (\w+), received (\w+)$/.exec(message))) {
    const [, expected, received] = m;
    if (received === 'undefined' || received === 'null') return problem('required');
    if (expected === 'int' || expected === 'bigint') return problem('integer');
    const byType: Record<string, string> = { string: 'text', number: 'number', boolean: 'boolean', array: 'list', object: 'object', record: 'object' };
    return problem(byType[expected!] ?? 'invalid');
  }
  if ((m = /^Invalid input: expected (.+)$/.exec(message))) return problem('mustBe', { value: valueList(m[1]!) });
  if ((m = /^Invalid option: expected one of (.+)$/.exec(message))) return problem('oneOf', { values: valueList(m[1]!) });
  if ((m = /^Invalid discriminator value\. Expected (.+)$/.exec(message))) return problem('oneOf', { values: valueList(m[1]!) });
  if ((m = SIZED.exec(message))) {
    const [, size, origin, comparison, amount] = m;
    const unit = origin === 'string' || origin === 'file' ? 'Chars' : 'Items';
    const count = Number(amount) + (comparison === '>' ? 1 : comparison === '<' ? -1 : 0);
    if (comparison === 'exactly ') return unit === 'Chars' ? problem('exactChars', { count }) : problem(size === 'small' ? 'minItems' : 'maxItems', { count });
    return problem(`${size === 'small' ? 'min' : 'max'}${unit}`, { count });
  }
  if ((m = LIMITED.exec(message))) {
    const [, size, , comparison, limit] = m;
    if (comparison === 'exactly ') return problem('mustBe', { value: limit });
    const key = size === 'small' ? (comparison === '>' ? 'moreThan' : 'atLeast') : comparison === '<' ? 'lessThan' : 'atMost';
    return problem(key, { limit: Number.isFinite(Number(limit)) ? new Intl.NumberFormat(i18n.language).format(Number(limit)) : limit });
  }
  if ((m = /^Invalid string: must (start with|end with|include) "(.*)"$/.exec(message))) {
    return problem({ 'start with': 'startsWith', 'end with': 'endsWith', include: 'includes' }[m[1]!]!, { text: m[2] });
  }
  if (/^Invalid string: must match pattern /.test(message)) return problem('pattern');
  if ((m = /^Invalid number: must be a multiple of (\S+)$/.exec(message))) return problem('multipleOf', { divisor: m[1] });
  if ((m = /^Unrecognized keys?: (.+)$/.exec(message))) return problem('unknownKeys', { keys: valueList(m[1]!.replaceAll(', ', '|')) });
  if (message === 'Invalid input' || message === 'Invalid input: more than one option matched') return problem('invalid');
  if (/^Invalid (URL|url)$/.test(message)) return problem('url');
  if (message === 'Invalid email address') return problem('email');
  if ((m = /^Invalid ([\w .-]+)$/.exec(message))) return problem('format', { format: m[1] });
  return undefined;
}
