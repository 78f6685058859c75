/**
 * The web globals the guest runtime adds (`btoa`, `atob`, `DOMException`, `TextEncoder`,
 * `TextDecoder`, `URLSearchParams`), checked against Node's own, which follow the standards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from './index.ts';
import { testScope } from './testing.ts';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await Sandbox.start({ processes: 1, isolatesPerProcess: 1 });
});

afterAll(async () => {
  await sandbox?.stop();
});

/** Runs `fn(input)` for each input in the guest: its result, or the name, code and message of what it threw. */
async function inGuest(fn: 'btoa' | 'atob', inputs: unknown[]) {
  const code = `return $input.all().map(({ json }) => {
    try { return { value: ${fn}(json.input) }; }
    catch (error) { return { threw: error.name, code: error.code, domException: error instanceof DOMException && error instanceof Error, message: error.message }; }
  });`;
  const outcome = await sandbox.code(testScope(`globals-${fn}`), { key: `globals-${fn}`, step: 'code', code, mode: 'allItems', items: inputs.map((input) => ({ json: { input } })) });
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.items.map((item) => item.json);
}

function inNode(fn: 'btoa' | 'atob', input: unknown) {
  try {
    return { value: (fn === 'btoa' ? btoa : atob)(input as string) };
  } catch (error) {
    return { threw: (error as DOMException).name, code: (error as DOMException).code };
  }
}

const ALL_BYTES = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');

describe('btoa and atob', () => {
  it('encode as browsers do, refusing characters past Latin-1', async () => {
    const inputs = ['user:pass', 'Aladdin:open sesame', '', 'a', 'ab', 'abc', 'ÿþ', ALL_BYTES, 'café', '€uro', '日本', '😀', null, 12.5, true];
    const guest = await inGuest('btoa', inputs);
    expect(guest[0]).toEqual({ value: 'dXNlcjpwYXNz' });
    expect(guest[9]).toMatchObject({ threw: 'InvalidCharacterError', code: 5, domException: true });
    for (const [i, input] of inputs.entries()) expect(guest[i], JSON.stringify(input)).toMatchObject(inNode('btoa', input));
  });

  it('decode as browsers do: whitespace ignored, padding optional, anything else refused', async () => {
    const inputs = [
      'dXNlcjpwYXNz',
      ' dXNl\ncjpw\tYXNz\r\n',
      'YQ==',
      'YQ',
      'YWI=',
      'YWI',
      '',
      '    ',
      'YQ=',
      'YQ===',
      'Y',
      'YQ==YQ==',
      'Y===',
      '@@@@',
      'YW-_',
      'YWJj\u00e9',
      'Zm9v\u0000',
      btoa(ALL_BYTES),
      '//79',
    ];
    const guest = await inGuest('atob', inputs);
    expect(guest[1]).toEqual({ value: 'user:pass' });
    expect(guest[8]).toMatchObject({ threw: 'InvalidCharacterError', code: 5, domException: true, message: expect.stringMatching(/not correctly encoded/) });
    expect(guest[17]).toEqual({ value: ALL_BYTES });
    for (const [i, input] of inputs.entries()) expect(guest[i], JSON.stringify(input)).toMatchObject(inNode('atob', input));
  });

  it('make a Basic auth header, and round-trip every byte', async () => {
    const outcome = await sandbox.code(testScope('basic-auth'), {
      key: 'basic-auth',
      step: 'code',
      code: "const bytes = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');\nreturn { header: 'Basic ' + btoa('shop@example.com:s3cret'), same: atob(btoa(bytes)) === bytes, missing: (() => { try { btoa(); } catch (e) { return e.name; } })() };",
      mode: 'allItems',
      items: [],
    });
    expect(outcome).toMatchObject({ ok: true, items: [{ json: { header: `Basic ${Buffer.from('shop@example.com:s3cret').toString('base64')}`, same: true, missing: 'TypeError' } }] });
  });
});

/** Runs `body` (which returns a JSON value) in the guest and gives back what it returned. */
async function guestValue(key: string, body: string): Promise<unknown> {
  const outcome = await sandbox.code(testScope(key), { key, step: 'code', code: `return { value: (() => { ${body} })() };`, mode: 'allItems', items: [] });
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.items[0]!.json.value;
}

describe('TextEncoder and TextDecoder', () => {
  const texts = ['', 'plain', 'café', '€uro', '日本語', '😀 emoji', 'lone \ud800 surrogate', 'end \udc00', '\ufeffwith BOM'];

  it('encode UTF-8 as Node does, lone surrogates as U+FFFD', async () => {
    const guest = await guestValue('text-encode', `return ${JSON.stringify(texts)}.map((t) => Array.from(new TextEncoder().encode(t)));`);
    expect(guest).toEqual(texts.map((text) => Array.from(new TextEncoder().encode(text))));
  });

  it('decode UTF-8 as Node does: each bad stretch one U+FFFD, a leading BOM dropped, fatal refuses', async () => {
    const samples = [
      ...texts.map((text) => Array.from(new TextEncoder().encode(text))),
      [0xff], [0xc3], [0xe2, 0x82], [0xe2, 0x82, 0x41], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98], [0xf4, 0x90, 0x80, 0x80],
      [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0x80, 0x80, 0x41], [0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x41], [0xf0, 0x28, 0x8c, 0xbc],
      Array.from({ length: 256 }, (_, i) => i),
    ];
    const guest = (await guestValue(
      'text-decode',
      `const samples = ${JSON.stringify(samples)};
       const fatal = (bytes) => { try { new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes)); return 'ok'; } catch (e) { return e.name; } };
       return samples.map((bytes) => [new TextDecoder().decode(new Uint8Array(bytes)), new TextDecoder('utf8', { ignoreBOM: true }).decode(new Uint8Array(bytes).buffer), fatal(bytes)]);`,
    )) as unknown[];
    for (const [i, bytes] of samples.entries()) {
      const fatal = (() => {
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
          return 'ok';
        } catch (error) {
          return (error as Error).name;
        }
      })();
      expect(guest[i], JSON.stringify(bytes)).toEqual([new TextDecoder().decode(new Uint8Array(bytes)), new TextDecoder('utf8', { ignoreBOM: true }).decode(new Uint8Array(bytes)), fatal]);
    }
    expect(await guestValue('text-label', `try { new TextDecoder('latin1'); return 'made'; } catch (e) { return e.name + ': ' + e.message; }`)).toBe('RangeError: The "latin1" encoding is not supported here; only utf-8 is');
  });
});

describe('URLSearchParams', () => {
  it('parses, edits and writes query strings as Node does', async () => {
    const inputs = ['', '?a=1&b=2', 'a=1&a=2&b', 'q=caf%C3%A9+au+lait&x=%zz&y=%', 'sku=A%2BB&name=T-shirt%20(red)&empty=&=nameless', '&&a=1&&', 'e=%F0%9F%98%80&bad=%FF'];
    const script = `
      const out = [];
      for (const input of ${JSON.stringify(inputs)}) {
        const p = new URLSearchParams(input);
        const row = { entries: [...p], a: p.get('a'), all: p.getAll('a'), has: p.has('b'), size: p.size, text: p.toString() };
        p.append('new key', 'vaLue/?&=+ é€😀');
        p.set('a', 'one');
        p.delete('b');
        p.sort();
        row.after = p.toString();
        out.push(row);
      }
      out.push(new URLSearchParams({ shop: 'Taipei 101', total: 12.5, ok: true }).toString());
      out.push(new URLSearchParams([['x', '1'], ['y', '2']]).toString());
      out.push(new URLSearchParams(new URLSearchParams('z=9')).get('z'));
      const keys = []; new URLSearchParams('k=1&j=2').forEach((value, key) => keys.push(key + value));
      out.push(keys);
      return out;`;
    const guest = await guestValue('search-params', script);
    // The same script in this process, with Node's own URLSearchParams.
    const node = new Function(script)();
    expect(guest).toEqual(node);
    expect((guest as any[])[0].text).toBe('');
    expect((guest as any[])[3].entries).toEqual([['q', 'café au lait'], ['x', '%zz'], ['y', '%']]);
    expect(await guestValue('search-params-pair', `try { new URLSearchParams([['a']]); return 'made'; } catch (e) { return e.name; }`)).toBe('TypeError');
  });
});
