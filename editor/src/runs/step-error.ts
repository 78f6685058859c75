/**
 * A failed step's error in the reader's language. The runtime writes English sentences
 * that say where the failure is (`Node "Call ERP", parameter url, item 2: …`,
 * `Code in "Score", line 3, column 7: …`) around what the node, the remote system or the
 * JavaScript engine said; the parts the runtime composes are translated here, and so is
 * a refused connection, which the error's details carry as data (`details.outbound`); the
 * rest is kept as written (it is the evidence someone may search for or send to support).
 */
import { refusalParams } from '@junction/nodes/words';
import { i18n } from '../i18n/index.ts';
import { plainIssue } from '../i18n/problems.ts';

// The name is taken up to the last `"` that a place or the sentence follows, so a name holding `"` stays whole.
const PLACED = /^(Node|Code in) "([\s\S]+?)"((?:, (?:parameter [^\s,]+|line \d+, column \d+|item \d+))*)(: | has a syntax error: | has a syntax error at its end: )([\s\S]*)$/;
const AT_END_HINT = ' (a bracket or brace closed that was never opened, or one left open)';

const phrase = (key: string, values: Record<string, unknown> = {}) => i18n.t(`stepErrors.${key}`, values);

/** A connection the outbound policy refused, as the error's details or a credential test's answer describe it. */
export interface RefusalData {
  host: string;
  address: string;
  reason: string;
  rule?: string;
  redirectedFrom?: string;
}

/** What Junction says of a refused connection, in the reader's language; undefined for a reason this editor has no words for. */
export function refusalText(refusal: RefusalData): string | undefined {
  const key = `outbound.${refusal.reason}`;
  if (!i18n.exists(key)) return undefined;
  const said = i18n.t(key, refusalParams(refusal));
  return refusal.redirectedFrom ? i18n.t('outbound.redirected', { from: refusal.redirectedFrom, to: refusal.host, refusal: said }) : said;
}

function refusalIn(details: Record<string, unknown> | undefined): RefusalData | undefined {
  const outbound = details?.outbound as Partial<RefusalData> | undefined;
  return typeof outbound?.host === 'string' && typeof outbound.address === 'string' && typeof outbound.reason === 'string' ? (outbound as RefusalData) : undefined;
}

/**
 * @example stepErrorText('Node "Fetch", parameter url: {{ $json.x.y }} failed: TypeError: …') // zh-TW: '節點「Fetch」，參數 url：{{ $json.x.y }} 執行失敗：TypeError: …'
 */
export function stepErrorText(message: string, details?: Record<string, unknown>): string {
  const refusal = refusalIn(details);
  const refused = refusal && refusalText(refusal);
  const m = PLACED.exec(message);
  if (!m) return refused ?? message;
  const [, kind, node, places, joint, rest] = m;
  const where = [phrase(kind === 'Node' ? 'node' : 'code', { node })];
  for (const [, parameter, line, column, item] of places!.matchAll(/parameter ([^\s,]+)|line (\d+), column (\d+)|item (\d+)/g)) {
    if (parameter) where.push(phrase('parameter', { parameter }));
    else if (line) where.push(phrase('position', { line, column }));
    else where.push(phrase('item', { item }));
  }
  const place = where.join(phrase('placeSeparator'));
  if (joint === ' has a syntax error: ') return phrase('syntaxError', { where: place, reason: rest });
  if (joint === ' has a syntax error at its end: ') return phrase('syntaxAtEnd', { where: place, reason: rest!.endsWith(AT_END_HINT) ? rest!.slice(0, -AT_END_HINT.length) : rest });
  return phrase('said', { where: place, what: refused ?? whatFailed(rest!) });
}

function whatFailed(text: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^(\{\{ [\s\S]*? \}\}) failed: ([\s\S]*)$/.exec(text))) return phrase('expressionFailed', { expression: m[1], reason: whatFailed(m[2]!) });
  if ((m = /^(\{\{ [\s\S]*? \}\}) is not a valid expression: ([\s\S]*)$/.exec(text))) return phrase('notAnExpression', { expression: m[1], reason: m[2] });
  if (text === 'the value cannot be used as data') return phrase('notData');
  if ((m = /^returned something that is not JSON data: ([\s\S]*)$/.exec(text))) return phrase('notJson', { reason: m[1] });
  if ((m = /^its expressions are not valid JavaScript: ([\s\S]*)$/.exec(text))) return phrase('notJavaScript', { reason: m[1] });
  if ((m = /^the parameters are not valid when filled in: ([\s\S]*)$/.exec(text))) {
    // These problems reach the run's record as English text only, without their keys: node types' messages are recognised by it.
    return phrase('paramsInvalid', { problems: m[1]!.split('; ').map((problem) => plainIssue(problem, { nodeMessages: true })).join(phrase('problemSeparator')) });
  }
  return text;
}
