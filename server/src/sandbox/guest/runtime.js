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
  const isInteger = Number.isInteger;
  const MapType = Map;
  const mapGet = Map.prototype.get;
  const mapSet = Map.prototype.set;
  const StringOf = String;
  const ErrorType = Error;
  const TypeErrorType = TypeError;
  const DateType = Date;
  const dateToISO = Date.prototype.toISOString;
  const regexpTest = RegExp.prototype.test;
  const RegExpType = RegExp;
  const stringSlice = String.prototype.slice;
  const symbolToString = Symbol.prototype.toString;
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

  // `btoa`/`atob` as browsers and Node have them (HTML's forgiving base64): text whose
  // characters are bytes (Latin-1), what Basic auth headers are made of. Bad input
  // throws a DOMException named InvalidCharacterError.
  const charCodeAt = String.prototype.charCodeAt;
  const fromCharCode = String.fromCharCode;
  const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const BASE64_VALUE = [];
  for (let i = 0; i < 64; i++) BASE64_VALUE[call(charCodeAt, BASE64, i)] = i;
  const DOM_EXCEPTION_CODES = { IndexSizeError: 1, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11, SyntaxError: 12, InvalidCharacterError: 5, NetworkError: 19, AbortError: 20, TimeoutError: 23, DataCloneError: 25 };
  class DOMException extends ErrorType {
    constructor(message = '', name = 'Error') {
      super(StringOf(message));
      defineProperty(this, 'name', { value: StringOf(name), writable: true, configurable: true, enumerable: false });
    }
    get code() {
      return hasOwn(DOM_EXCEPTION_CODES, this.name) ? DOM_EXCEPTION_CODES[this.name] : 0;
    }
  }
  function btoa(data) {
    if (arguments.length === 0) throw new TypeErrorType("Failed to execute 'btoa': 1 argument required, but only 0 present.");
    const bytes = StringOf(data);
    for (let i = 0; i < bytes.length; i++) {
      if (call(charCodeAt, bytes, i) > 0xff) throw new DOMException("Failed to execute 'btoa': The string to be encoded contains characters outside of the Latin1 range.", 'InvalidCharacterError');
    }
    let out = '';
    for (let i = 0; i < bytes.length; i += 3) {
      const a = call(charCodeAt, bytes, i);
      const b = i + 1 < bytes.length ? call(charCodeAt, bytes, i + 1) : 0;
      const c = i + 2 < bytes.length ? call(charCodeAt, bytes, i + 2) : 0;
      out += BASE64[a >> 2] + BASE64[((a & 3) << 4) | (b >> 4)];
      out += i + 1 < bytes.length ? BASE64[((b & 15) << 2) | (c >> 6)] : '=';
      out += i + 2 < bytes.length ? BASE64[c & 63] : '=';
    }
    return out;
  }
  function atob(data) {
    if (arguments.length === 0) throw new TypeErrorType("Failed to execute 'atob': 1 argument required, but only 0 present.");
    const text = StringOf(data);
    const invalid = () => new DOMException("Failed to execute 'atob': The string to be decoded is not correctly encoded.", 'InvalidCharacterError');
    const codes = [];
    for (let i = 0; i < text.length; i++) {
      const code = call(charCodeAt, text, i);
      // ASCII whitespace is ignored.
      if (code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d && code !== 0x20) call(arrayPush, codes, code);
    }
    let length = codes.length;
    if (length % 4 === 0 && length > 0 && codes[length - 1] === 0x3d) length -= codes[length - 2] === 0x3d ? 2 : 1;
    if (length % 4 === 1) throw invalid();
    let out = '';
    let buffer = 0;
    let bits = 0;
    for (let i = 0; i < length; i++) {
      const value = codes[i] < 128 ? BASE64_VALUE[codes[i]] : undefined;
      if (value === undefined) throw invalid();
      buffer = (buffer << 6) | value;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += fromCharCode((buffer >> bits) & 0xff);
        buffer &= (1 << bits) - 1;
      }
    }
    return out;
  }
  // `TextEncoder`/`TextDecoder` (UTF-8, which is what they are used for) and
  // `URLSearchParams` (application/x-www-form-urlencoded), as browsers and Node have them:
  // code pasted from the web builds query strings and form bodies with them.
  const Uint8ArrayType = Uint8Array;
  const ArrayBufferType = ArrayBuffer;
  const isView = ArrayBuffer.isView;
  const RangeErrorType = RangeError;
  const iteratorSymbol = Symbol.iterator;
  const parseIntOf = parseInt;
  const numberToString = Number.prototype.toString;
  const toLowerCase = String.prototype.toLowerCase;
  const toUpperCase = String.prototype.toUpperCase;
  const trim = String.prototype.trim;

  function utf8Bytes(text) {
    const bytes = [];
    for (let i = 0; i < text.length; i++) {
      let c = call(charCodeAt, text, i);
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = c <= 0xdbff && i + 1 < text.length ? call(charCodeAt, text, i + 1) : 0;
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        } else {
          c = 0xfffd;
        }
      }
      if (c < 0x80) call(arrayPush, bytes, c);
      else if (c < 0x800) call(arrayPush, bytes, 0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) call(arrayPush, bytes, 0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else call(arrayPush, bytes, 0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return bytes;
  }

  /** The WHATWG UTF-8 decoder: each maximal bad subpart becomes U+FFFD, or a TypeError when fatal. */
  function utf8Text(bytes, fatal, ignoreBOM) {
    let out = '';
    let codePoint = 0;
    let needed = 0;
    let seen = 0;
    let lower = 0x80;
    let upper = 0xbf;
    // A leading byte order mark is dropped (once), unless ignoreBOM.
    let bomSeen = false;
    const bad = () => {
      if (fatal) throw new TypeErrorType('The encoded data was not valid for encoding utf-8');
      out += '\ufffd';
    };
    const emit = (cp) => {
      if (cp === 0xfeff && out.length === 0 && !ignoreBOM && !bomSeen) {
        bomSeen = true;
        return;
      }
      bomSeen = true;
      out += cp > 0xffff ? fromCharCode(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff)) : fromCharCode(cp);
    };
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (needed === 0) {
        if (b <= 0x7f) emit(b);
        else if (b >= 0xc2 && b <= 0xdf) (needed = 1), (codePoint = b & 0x1f);
        else if (b >= 0xe0 && b <= 0xef) {
          if (b === 0xe0) lower = 0xa0;
          if (b === 0xed) upper = 0x9f;
          needed = 2;
          codePoint = b & 0xf;
        } else if (b >= 0xf0 && b <= 0xf4) {
          if (b === 0xf0) lower = 0x90;
          if (b === 0xf4) upper = 0x8f;
          needed = 3;
          codePoint = b & 0x7;
        } else bad();
        continue;
      }
      if (b < lower || b > upper) {
        codePoint = needed = seen = 0;
        lower = 0x80;
        upper = 0xbf;
        bad();
        i--; // the byte starts over
        continue;
      }
      lower = 0x80;
      upper = 0xbf;
      codePoint = (codePoint << 6) | (b & 0x3f);
      if (++seen === needed) {
        emit(codePoint);
        codePoint = needed = seen = 0;
      }
    }
    if (needed !== 0) bad();
    return out;
  }

  class TextEncoder {
    get encoding() {
      return 'utf-8';
    }
    encode(input = '') {
      return new Uint8ArrayType(utf8Bytes(StringOf(input)));
    }
  }

  class TextDecoder {
    #fatal;
    #ignoreBOM;
    constructor(label = 'utf-8', options = {}) {
      const name = call(toLowerCase, call(trim, StringOf(label)));
      if (name !== 'utf-8' && name !== 'utf8' && name !== 'unicode-1-1-utf-8') throw new RangeErrorType(`The "${StringOf(label)}" encoding is not supported here; only utf-8 is`);
      this.#fatal = Boolean(options && options.fatal);
      this.#ignoreBOM = Boolean(options && options.ignoreBOM);
    }
    get encoding() {
      return 'utf-8';
    }
    get fatal() {
      return this.#fatal;
    }
    get ignoreBOM() {
      return this.#ignoreBOM;
    }
    decode(input) {
      if (input === undefined) return '';
      let bytes;
      if (input instanceof ArrayBufferType) bytes = new Uint8ArrayType(input);
      else if (isView(input)) bytes = new Uint8ArrayType(input.buffer, input.byteOffset, input.byteLength);
      else throw new TypeErrorType('TextDecoder.decode takes an ArrayBuffer, a typed array or a DataView');
      return utf8Text(bytes, this.#fatal, this.#ignoreBOM);
    }
  }

  const hexDigit = (code) => (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
  /** Form decoding: '+' is a space, %XX a byte (a malformed % stays as it is), the bytes UTF-8. */
  function formDecode(text) {
    const bytes = [];
    for (let i = 0; i < text.length; i++) {
      const c = call(charCodeAt, text, i);
      if (c === 0x2b) call(arrayPush, bytes, 0x20);
      else if (c === 0x25 && i + 2 < text.length && hexDigit(call(charCodeAt, text, i + 1)) && hexDigit(call(charCodeAt, text, i + 2))) {
        call(arrayPush, bytes, parseIntOf(call(stringSlice, text, i + 1, i + 3), 16));
        i += 2;
      } else {
        const one = utf8Bytes(text[i] + (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? text[i + 1] : ''));
        if (one.length === 4) i++;
        for (let k = 0; k < one.length; k++) call(arrayPush, bytes, one[k]);
      }
    }
    return utf8Text(bytes, false, true);
  }
  /** Form encoding: letters, digits and *-._ as they are, a space as '+', any other byte as %XX. */
  function formEncode(text) {
    const bytes = utf8Bytes(text);
    let out = '';
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2a || b === 0x2d || b === 0x2e || b === 0x5f) out += fromCharCode(b);
      else if (b === 0x20) out += '+';
      else out += '%' + (b < 16 ? '0' : '') + call(toUpperCase, call(numberToString, b, 16));
    }
    return out;
  }
  class URLSearchParams {
    #list = [];
    constructor(init = '') {
      if (init instanceof URLSearchParams) {
        for (const [name, value] of init.#list) call(arrayPush, this.#list, [name, value]);
      } else if (typeof init === 'object' && init !== null) {
        if (typeof init[iteratorSymbol] === 'function') {
          for (const pair of init) {
            const entry = [...pair];
            if (entry.length !== 2) throw new TypeErrorType('Each pair given to URLSearchParams must have exactly two items, a name and a value');
            call(arrayPush, this.#list, [StringOf(entry[0]), StringOf(entry[1])]);
          }
        } else {
          for (const name of objectKeys(init)) call(arrayPush, this.#list, [name, StringOf(init[name])]);
        }
      } else {
        let text = StringOf(init);
        if (text[0] === '?') text = call(stringSlice, text, 1);
        for (const part of text.split('&')) {
          if (part === '') continue;
          const at = part.indexOf('=');
          call(arrayPush, this.#list, at < 0 ? [formDecode(part), ''] : [formDecode(call(stringSlice, part, 0, at)), formDecode(call(stringSlice, part, at + 1))]);
        }
      }
    }
    get size() {
      return this.#list.length;
    }
    append(name, value) {
      call(arrayPush, this.#list, [StringOf(name), StringOf(value)]);
    }
    delete(name, value) {
      const key = StringOf(name);
      const only = value === undefined ? undefined : StringOf(value);
      this.#list = this.#list.filter(([n, v]) => n !== key || (only !== undefined && v !== only));
    }
    get(name) {
      const key = StringOf(name);
      for (const [n, v] of this.#list) if (n === key) return v;
      return null;
    }
    getAll(name) {
      const key = StringOf(name);
      return this.#list.filter(([n]) => n === key).map(([, v]) => v);
    }
    has(name, value) {
      const key = StringOf(name);
      const only = value === undefined ? undefined : StringOf(value);
      return this.#list.some(([n, v]) => n === key && (only === undefined || v === only));
    }
    set(name, value) {
      const key = StringOf(name);
      const first = this.#list.findIndex(([n]) => n === key);
      if (first < 0) return this.append(key, value);
      this.#list[first] = [key, StringOf(value)];
      this.#list = this.#list.filter(([n], i) => n !== key || i === first);
    }
    sort() {
      // Stable, by UTF-16 code units of the names.
      this.#list = this.#list
        .map((entry, i) => [entry, i])
        .sort(([a, i], [b, j]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : i - j))
        .map(([entry]) => entry);
    }
    forEach(callback, thisArg) {
      for (const [name, value] of [...this.#list]) call(callback, thisArg, value, name, this);
    }
    *entries() {
      for (const [name, value] of [...this.#list]) yield [name, value];
    }
    *keys() {
      for (const [name] of [...this.#list]) yield name;
    }
    *values() {
      for (const [, value] of [...this.#list]) yield value;
    }
    [iteratorSymbol]() {
      return this.entries();
    }
    toString() {
      return this.#list.map(([name, value]) => `${formEncode(name)}=${formEncode(value)}`).join('&');
    }
  }

  const globals = [
    ['btoa', btoa],
    ['atob', atob],
    ['DOMException', DOMException],
    ['TextEncoder', TextEncoder],
    ['TextDecoder', TextDecoder],
    ['URLSearchParams', URLSearchParams],
  ];
  for (const [name, value] of globals) {
    defineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
  }

  let run = null;

  function init(info) {
    luxon.Settings.defaultZone = info.timezone;
    run = {
      timezone: info.timezone,
      $run: freeze({
        id: info.run.id,
        startedAt: info.run.startedAt,
        // The addresses that wake the run's waiting steps, by node name; `resumeUrl` when there is one such step.
        resumeUrls: freeze({ ...info.run.resumeUrls }),
        resumeUrl: Object.values(info.run.resumeUrls ?? {}).length === 1 ? Object.values(info.run.resumeUrls)[0] : undefined,
      }),
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
   * is the item being evaluated (-1: code running once for all items, which has none).
   * `.item` and `.json` are the item of that node the current item descends from, as the
   * host resolved it (`paired[name].at[i - first]`: an index into the node's output, or
   * -(j + 1) for `problems[j]`, why there is none).
   */
  function environment(items, outputs, paired, first, state) {
    const $input = {
      all: () => items,
      first: () => items[0],
      last: () => items[items.length - 1],
      // Code running once for all items has no current item; its `$input.item` stays the first, as before lineage.
      get item() {
        return items[state.index < 0 ? 0 : state.index];
      },
    };
    const views = {};
    function nodeView(name) {
      const emitted = outputs[name];
      if (emitted === null) {
        const notRun = () => {
          throw new ErrorType(`$node("${name}") has no output in this run: that node has not run (it is not before this step, or it was skipped)`);
        };
        return {
          isExecuted: false,
          all: notRun,
          first: notRun,
          last: notRun,
          itemMatching: notRun,
          get item() {
            return notRun();
          },
          get json() {
            return notRun();
          },
        };
      }
      const lineage = paired[name];
      const ancestor = (index, how) => {
        const k = typeof index === 'number' ? index - first : -1;
        const at = k >= 0 && k < lineage.at.length ? lineage.at[k] : undefined;
        if (at === undefined) throw new ErrorType(`$node("${name}").${how}: there is no item at index ${StringOf(index)} among this step's items`);
        if (at >= 0) return emitted[at];
        throw new ErrorType(`Can't get data for $node("${name}").${how} (item ${index + 1}): ${lineage.problems[-at - 1]}`);
      };
      const current = () => {
        if (state.index < 0) {
          throw new ErrorType(
            `$node("${name}").item is the item the current item comes from, and code that runs once for all items has no current item: use $node("${name}").itemMatching(index), or .first(), .last(), .all()`,
          );
        }
        return ancestor(state.index, 'item');
      };
      return {
        isExecuted: true,
        all: () => emitted,
        first: () => emitted[0],
        last: () => emitted[emitted.length - 1],
        itemMatching: (index) => ancestor(index, `itemMatching(${typeof index === 'number' ? index : '…'})`),
        get item() {
          return current();
        },
        get json() {
          return current().json;
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
    const { items, first, count, templates, outputs, paired, maxOutputChars } = input;
    const state = { index: first };
    const { $input, $node } = environment(items, outputs, paired, first, state);
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
    let result;
    try {
      result = jsonStringify({ ok: true, values });
    } catch (thrown) {
      return jsonStringify({ ok: false, error: { ...describe(thrown), serialize: true } });
    }
    // Refused here, an answer too big for the worker never crosses into the sandbox process.
    if (result.length > maxOutputChars) return jsonStringify({ ok: false, error: { name: 'OutputLimit', message: '', output: result.length } });
    return result;
  }

  /** `console` for user code: lines kept in the call's result, within the log limit. */
  function capture(maxBytes, maxLines) {
    const lines = [];
    let bytes = 0;
    let dropped = 0;
    /** A value as a console shows it: errors by name and message, null and undefined by name, objects as JSON. */
    const show = (value) => {
      if (typeof value === 'string') return value;
      if (value === undefined || value === null) return StringOf(value);
      if (value instanceof ErrorType) return `${StringOf(value.name)}: ${StringOf(value.message)}`;
      if (typeof value === 'function') return `[Function${value.name ? ` ${StringOf(value.name)}` : ''}]`;
      if (typeof value === 'bigint') return `${StringOf(value)}n`;
      if (typeof value === 'symbol') return call(symbolToString, value);
      if (typeof value === 'object' && !(value instanceof DateType) && !DateTime.isDateTime(value)) return jsonStringify(value) ?? StringOf(value);
      return text(value);
    };
    const format = (args) => {
      let out = '';
      for (let i = 0; i < args.length; i++) {
        const value = args[i];
        let piece;
        try {
          piece = show(value);
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
    const log = method('info');
    // table and dir as a browser's console has them, written as text.
    const console = { log, info: log, debug: method('debug'), warn: method('warn'), error: method('error'), table: log, dir: log, trace: method('debug') };
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
      return { json: value.json };
    }
    return { json: value };
  }

  /**
   * The `pairedItem` a returned `{ json, pairedItem }` says: an input index, n8n's
   * `{ item: index }`, or a list of those (an item made from several). Undefined when it
   * says none; an index the code did not receive is an error.
   */
  function returnedPairing(value, inputCount, where) {
    if (!hasOwn(value, 'json') || !hasOwn(value, 'pairedItem')) return undefined;
    const given = value.pairedItem;
    if (given === undefined || given === null) return undefined;
    const one = (entry) => {
      const index = isPlainJson(entry) && hasOwn(entry, 'item') ? entry.item : entry;
      if (typeof index !== 'number' || !isInteger(index) || index < 0 || index >= inputCount) {
        const shown = typeof index === 'number' ? StringOf(index) : typeof index;
        throw new ErrorType(`${where} has pairedItem ${shown}, which is not the index of one of the ${inputCount} item(s) the code received`);
      }
      return index;
    };
    if (!isArray(given)) return one(given);
    const list = [];
    for (let i = 0; i < given.length; i++) call(arrayPush, list, one(given[i]));
    return list.length === 0 ? undefined : list.length === 1 ? list[0] : list;
  }

  /**
   * Lineage of what code running once for all items returned: the `pairedItem` it says;
   * else the input item itself (or its json) returned again; and when no item was paired
   * either way, by position when it returned as many items as it received, or to the only
   * item when it received one. Otherwise none (`$node("…").item` after it then fails).
   */
  function pairAll(returned, inputs) {
    const { items, jsons } = inputs;
    const out = [];
    let paired = 0;
    let indexOf = null;
    for (let r = 0; r < returned.length; r++) {
      const value = returned[r];
      const where = `Item ${r + 1} of what the code returned`;
      const item = asItem(value, where);
      let pairing = returnedPairing(value, items.length, where);
      if (pairing === undefined) {
        // The commonest case, returning input items in place, needs no lookup.
        if (r < items.length && (value === items[r] || item.json === jsons[r])) {
          pairing = r;
        } else {
          if (indexOf === null) {
            indexOf = new MapType();
            for (let k = 0; k < items.length; k++) {
              call(mapSet, indexOf, items[k], k);
              call(mapSet, indexOf, jsons[k], k);
            }
          }
          pairing = call(mapGet, indexOf, value) ?? call(mapGet, indexOf, item.json);
        }
      }
      if (pairing !== undefined) {
        item.pairedItem = pairing;
        paired++;
      }
      call(arrayPush, out, item);
    }
    if (paired === 0 && (out.length === items.length || items.length === 1)) {
      for (let r = 0; r < out.length; r++) out[r].pairedItem = items.length === 1 ? 0 : r;
    }
    return out;
  }

  /** The input items and their json as they came in: the code may sort `items` in place or replace an item's json. */
  function snapshot(items) {
    const copy = [];
    const jsons = [];
    for (let k = 0; k < items.length; k++) {
      copy[k] = items[k];
      jsons[k] = items[k].json;
    }
    return { items: copy, jsons };
  }

  async function code(userFunction, input) {
    const { items, mode, outputs, paired, maxLogBytes, maxLogLines, maxOutputChars } = input;
    const state = { index: mode === 'allItems' ? -1 : 0 };
    const { $input, $node } = environment(items, outputs, paired, 0, state);
    const { $now, $today } = now();
    const logs = capture(maxLogBytes, maxLogLines);
    const args = (json, index, item) => [
      $input, json, index, items, item, $node, $node, run.$run, run.$workflow, run.$vars, $now, $today, logs.console, DateTime, Duration, Interval,
    ];
    let out = [];
    try {
      if (mode === 'allItems') {
        const inputs = snapshot(items);
        let returned = await reflectApply(userFunction, undefined, args(undefined, undefined, undefined));
        if (returned === undefined || returned === null) returned = [];
        if (!isArray(returned)) returned = [returned];
        out = pairAll(returned, inputs);
      } else {
        for (let i = 0; i < items.length; i++) {
          state.index = i;
          const returned = await reflectApply(userFunction, undefined, args(items[i].json, i, items[i]));
          if (returned === undefined || returned === null) continue;
          const list = isArray(returned) ? returned : [returned];
          for (let j = 0; j < list.length; j++) {
            const item = asItem(list[j], `What the code returned for item ${i + 1}`);
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
