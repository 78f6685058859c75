/**
 * The source text of programs the guest runtime runs: a step's expressions as one
 * factory of functions, a Code node's code as one async function. Line 1 of each is a
 * wrapper (compiled with a line offset of -1, so errors count lines of the user's code).
 */

/** The names each expression function sees besides the globals (DateTime, Duration, Interval). */
export function expressionProgram(sources: readonly string[]): string {
  const functions = sources.map((source) => `function ($json, $itemIndex) { return (${source}\n); }`);
  return `(function ($input, $node, $run, $workflow, $vars, $now, $today) { const $ = $node; return [\n${functions.join(',\n')}\n]; })`;
}

/**
 * The Code node's code as the body of an async function; the argument order is the guest
 * runtime's. The code sits in a block of its own, so it may declare the names it is given
 * (`const items = $input.all();`, as code written for n8n does) instead of failing with
 * "Identifier 'items' has already been declared".
 */
export function codeProgram(code: string): string {
  return `(async function ($input, $json, $itemIndex, items, item, $node, $, $run, $workflow, $vars, $now, $today, console, DateTime, Duration, Interval) {{\n${code}\n}})`;
}

const QUOTED = String.raw`"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\x60(?:[^\x60\\$]|\\.)*\x60`;
/** `$node("Name")`, `$("Name")`, `$node["Name"]` with the name written out. */
const NODE_REFERENCE = new RegExp(String.raw`\$(?:node)?\s*[(\[]\s*(${QUOTED})\s*[)\]]`, 'g');

function unquote(literal: string): string | undefined {
  const body = literal.slice(1, -1);
  if (literal.startsWith('"')) {
    try {
      return JSON.parse(literal) as string;
    } catch {
      // An escape JSON does not know (\x41, \'): the name cannot be read here.
      return undefined;
    }
  }
  if (/\\/.test(body)) {
    try {
      return JSON.parse(`"${body.replace(/\\'/g, "'").replace(/\\`/g, '`').replace(/"/g, '\\"')}"`) as string;
    } catch {
      // As above.
      return undefined;
    }
  }
  return body;
}

/**
 * The node names a source refers to with `$node("...")` and friends. Only these
 * nodes' outputs are passed into the sandbox; a name computed at run time gets a clear
 * error there instead.
 */
export function nodeNamesIn(source: string): string[] {
  const names = new Set<string>();
  for (const match of source.matchAll(NODE_REFERENCE)) {
    const name = unquote(match[1]!);
    if (name !== undefined) names.add(name);
  }
  return [...names];
}
