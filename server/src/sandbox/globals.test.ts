/**
 * The web globals the guest runtime adds (`btoa`, `atob`, `DOMException`), checked
 * against Node's own, which follow the HTML standard.
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
