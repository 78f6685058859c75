// The guest runtime: plain JavaScript that runs INSIDE a sandbox context (an isolated-vm
// isolate), once per context, after the date library and before any user code. Its
// completion value is the dispatcher the sandbox process calls; the host keeps the only
// reference to it. Nothing from the host is on the global object: data comes in as JSON
// text and goes out as JSON text, both handled with intrinsics captured here before user
// code could replace them. User code can break only its own run's context, which no
// other run ever sees.
(function () {
  'use strict';
  const global = globalThis;
  const jsonParse = JSON.parse;
  const jsonStringify = JSON.stringify;
  const hasOwn = Object.hasOwn;
  const objectKeys = Object.keys;
  const freeze = Object.freeze;
  const defineProperty = Object.defineProperty;
  const isArray = Array.isArray;
  const StringOf = String;
  const ErrorType = Error;
  const DateType = Date;
  const dateToISO = Date.prototype.toISOString;
  const regexpTest = RegExp.prototype.test;
  const RegExpType = RegExp;
  const stringSlice = String.prototype.slice;
  const arrayPush = Array.prototype.push;
  const reflectApply = Reflect.apply;
  const luxon = global.luxon;
  const DateTime = luxon.DateTime;
  const Duration = luxon.Duration;
  const Interval = luxon.Interval;

  // Blocking and shared memory have no use in a workflow step and could stall the
  // isolate's thread where the time limit cannot reach (Atomics.wait); WebAssembly
  // memory would grow outside the isolate's heap limit.
  for (const name of ['SharedArrayBuffer', 'Atomics', 'WebAssembly']) delete global[name];
  // Names n8n users expect; `luxon` stays for `luxon.Settings` and friends.
  for (const [name, value] of [['DateTime', DateTime], ['Duration', Duration], ['Interval', Interval]]) {
    defineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
  }

  const call = (fn, self, ...args) => reflectApply(fn, self, args);

  let run = null;

  function init(info) {
    luxon.Settings.defaultZone = info.timezone;
    run = {
      timezone: info.timezone,
      $run: freeze({ id: info.run.id, startedAt: info.run.startedAt }),
      $workflow: freeze({ id: info.workflow.id, name: info.workflow.name, version: info.workflow.version }),
      $vars: freeze(info.vars),
    };
  }

  /** How a value reads inside text: nothing for null/undefined, JSON for objects, ISO for dates. */
  function text(value) {
    if (value === undefined || value === null) return '';
    if (typeof value === 'object') {
      if (value instanceof DateType) return call(dateToISO, value);
      if (DateTime.isDateTime(value)) return value.toISO() ?? 'Invalid DateTime';
      return jsonStringify(value) ?? '';
    }
    return StringOf(value);
  }

  /** What crossed back about a thrown value: its name, message and where in the user's code. */
  function describe(thrown, filename) {
    let name = 'Error';
    let message;
    let stack = '';
    try {
      if (thrown instanceof ErrorType) {
        name = StringOf(thrown.name);
        message = StringOf(thrown.message);
        stack = typeof thrown.stack === 'string' ? thrown.stack : '';
      } else {
        message = `threw a value that is not an Error: ${call(stringSlice, text(thrown), 0, 500)}`;
      }
    } catch {
      message = 'threw an error that could not be read';
    }
    const error = { name: call(stringSlice, name, 0, 100), message: call(stringSlice, message, 0, 2000) };
    if (filename) {
      const at = new RegExpType(`${filename}:(\\d+):(\\d+)`).exec(stack);
      if (at) {
        error.line = Number(at[1]);
        error.column = Number(at[2]);
      }
    }
    return error;
  }

  /**
   * `$input`, `$node("Name")` / `$("Name")` / `$node["Name"]` for one call. `state.index`
   * is the item being evaluated; `.item` and `.json` follow it.
   */
  function environment(items, outputs, state) {
    const $input = {
      all: () => items,
      first: () => items[0],
      last: () => items[items.length - 1],
      get item() {
        return items[state.index];
      },
    };
    const views = {};
    function nodeView(name) {
      const emitted = outputs[name];
      const pick = () => {
        if (emitted.length === 1) return emitted[0];
        if (state.index < emitted.length) return emitted[state.index];
        throw new ErrorType(
          `$node("${name}") emitted ${emitted.length} items, so which one goes with item ${state.index} is unclear; use .first(), .last() or .all()`,
        );
      };
      if (emitted === null) {
        const notRun = () => {
          throw new ErrorType(`$node("${name}") has no output in this run: that node has not run (it is not before this step, or it was skipped)`);
        };
        return { isExecuted: false, all: notRun, first: notRun, last: notRun, get item() { return notRun(); }, get json() { return notRun(); } };
      }
      return {
        isExecuted: true,
        all: () => emitted,
        first: () => emitted[0],
        last: () => emitted[emitted.length - 1],
        get item() {
          return pick();
        },
        get json() {
          return pick()?.json;
        },
      };
    }
    // An arrow function: no own `prototype`, so a node named "prototype" can be a property too.
    const $node = (name) => {
      if (typeof name !== 'string' || !hasOwn(outputs, name)) {
        throw new ErrorType(
          `$node(${typeof name === 'string' ? `"${name}"` : 'a computed name'}) is not available here: write the node's name in quotes where you use it, like $node("Lookup supplier"), so Junction can pass that node's output in`,
        );
      }
      if (!hasOwn(views, name)) views[name] = nodeView(name);
      return views[name];
    };
    for (const name of objectKeys(outputs)) {
      try {
        defineProperty($node, name, { get: () => $node(name), enumerable: true, configurable: true });
      } catch {
        // A name the function object cannot take as a property: $node("...") still works.
      }
    }
    return { $input, $node };
  }

  function now() {
    const $now = DateTime.now().setZone(run.timezone);
    return { $now, $today: $now.startOf('day') };
  }

  /**
   * Evaluates a step's expressions for its items. `factory` is the step's compiled
   * program; `templates[t]` is a number (a param that is exactly expression k, keeping
   * its type) or a list of literal strings and expression numbers (interpolated text).
   * Each item's values are an object keyed by template number, so `undefined` results
   * stay undefined (JSON leaves the key out).
   */
  function expressions(factory, input) {
    const { items, first, count, templates, outputs } = input;
    const state = { index: 0 };
    const { $input, $node } = environment(items, outputs, state);
    const { $now, $today } = now();
    const fns = factory($input, $node, run.$run, run.$workflow, run.$vars, $now, $today);
    const values = [];
    for (let i = first; i < count; i++) {
      state.index = i;
      const json = items[i].json;
      const row = {};
      for (let t = 0; t < templates.length; t++) {
        const template = templates[t];
        let expression = -1;
        try {
          if (typeof template === 'number') {
            expression = template;
            row[t] = fns[template](json, i);
          } else {
            let out = '';
            for (const part of template) {
              if (typeof part === 'string') {
                out += part;
              } else {
                expression = part;
                out += text(fns[part](json, i));
              }
            }
            row[t] = out;
          }
        } catch (thrown) {
          return jsonStringify({ ok: false, error: { ...describe(thrown), template: t, expression, item: i } });
        }
      }
      call(arrayPush, values, row);
    }
    try {
      return jsonStringify({ ok: true, values });
    } catch (thrown) {
      return jsonStringify({ ok: false, error: { ...describe(thrown), serialize: true } });
    }
  }

  /** `console` for user code: lines kept in the call's result, within the log limit. */
  function capture(maxBytes, maxLines) {
    const lines = [];
    let bytes = 0;
    let dropped = 0;
    const format = (args) => {
      let out = '';
      for (let i = 0; i < args.length; i++) {
        const value = args[i];
        let piece;
        try {
          piece = typeof value === 'string' ? value : typeof value === 'object' && value !== null && !(value instanceof DateType) ? jsonStringify(value) : text(value);
        } catch {
          piece = '[value that cannot be shown]';
        }
        out += (i > 0 ? ' ' : '') + piece;
        if (out.length > 2000) return `${call(stringSlice, out, 0, 2000)}… (line cut at 2000 characters)`;
      }
      return out;
    };
    const method = (level) => (...args) => {
      const message = format(args);
      if (lines.length >= maxLines || bytes + message.length > maxBytes) {
        dropped++;
        return;
      }
      bytes += message.length;
      call(arrayPush, lines, { level, message });
    };
    const console = { log: method('info'), info: method('info'), debug: method('debug'), warn: method('warn'), error: method('error') };
    return {
      console,
      lines: () => (dropped > 0 ? [...lines, { level: 'warn', message: `… ${dropped} more console line(s) not kept (log limit: ${maxLines} lines, ${maxBytes} characters)` }] : lines),
    };
  }

  function isPlainJson(value) {
    return typeof value === 'object' && value !== null && !isArray(value);
  }

  /** One returned value as an item: `{ json }` as n8n returns it, or a plain object as its json. */
  function asItem(value, where) {
    if (!isPlainJson(value)) {
      throw new ErrorType(`${where} is ${value === null ? 'null' : isArray(value) ? 'a list' : typeof value}; return objects (or { json: {...} })`);
    }
    if (hasOwn(value, 'json')) {
      if (!isPlainJson(value.json)) throw new ErrorType(`${where} has a "json" that is not an object`);
      const item = { json: value.json };
      if (typeof value.pairedItem === 'number') item.pairedItem = value.pairedItem;
      return item;
    }
    return { json: value };
  }

  async function code(userFunction, input) {
    const { items, mode, outputs, maxLogBytes, maxLogLines, maxOutputChars } = input;
    const state = { index: 0 };
    const { $input, $node } = environment(items, outputs, state);
    const { $now, $today } = now();
    const logs = capture(maxLogBytes, maxLogLines);
    const args = (json, index, item) => [
      $input, json, index, items, item, $node, $node, run.$run, run.$workflow, run.$vars, $now, $today, logs.console, DateTime, Duration, Interval,
    ];
    const out = [];
    try {
      if (mode === 'allItems') {
        let returned = await reflectApply(userFunction, undefined, args(undefined, undefined, undefined));
        if (returned === undefined || returned === null) returned = [];
        if (!isArray(returned)) returned = [returned];
        for (let i = 0; i < returned.length; i++) call(arrayPush, out, asItem(returned[i], `Item ${i} of what the code returned`));
      } else {
        for (let i = 0; i < items.length; i++) {
          state.index = i;
          const returned = await reflectApply(userFunction, undefined, args(items[i].json, i, items[i]));
          if (returned === undefined || returned === null) continue;
          const list = isArray(returned) ? returned : [returned];
          for (let j = 0; j < list.length; j++) {
            const item = asItem(list[j], `What the code returned for item ${i}`);
            item.pairedItem = i;
            call(arrayPush, out, item);
          }
        }
      }
    } catch (thrown) {
      return jsonStringify({ ok: false, error: { ...describe(thrown, 'code.js'), item: mode === 'allItems' ? undefined : state.index }, logs: logs.lines() });
    }
    let result;
    try {
      result = jsonStringify({ ok: true, items: out, logs: logs.lines() });
    } catch (thrown) {
      return jsonStringify({ ok: false, error: { ...describe(thrown), serialize: true }, logs: logs.lines() });
    }
    if (result.length > maxOutputChars) {
      return jsonStringify({ ok: false, error: { name: 'OutputLimit', message: '', output: result.length }, logs: logs.lines() });
    }
    return result;
  }

  /** `logic.if`'s "matches": the user's pattern runs here, under the sandbox's time limit. */
  function regex(input) {
    try {
      const pattern = new RegExpType(input.pattern, input.flags);
      return jsonStringify({ ok: true, value: call(regexpTest, pattern, input.subject) });
    } catch (thrown) {
      return jsonStringify({ ok: false, error: describe(thrown) });
    }
  }

  return function dispatch(kind, target, payload) {
    const input = jsonParse(payload);
    switch (kind) {
      case 'init':
        init(input);
        return 'null';
      case 'expressions':
        return expressions(target, input);
      case 'code':
        return code(target, input);
      case 'regex':
        return regex(input);
      default:
        throw new ErrorType(`unknown sandbox call "${kind}"`);
    }
  };
})();
