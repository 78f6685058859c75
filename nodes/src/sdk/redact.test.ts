import { describe, expect, it } from 'vitest';
import { Redactor } from './redact.ts';

const TOKEN = 'tok_9f8e7d6c5b4a39281706';

function redactor(): Redactor {
  const r = new Redactor();
  r.add(TOKEN);
  return r;
}

describe('Redactor.text with a length', () => {
  it('scrubs before it cuts: a secret across the cut goes whole', () => {
    const text = `${'x'.repeat(490)}${TOKEN} and more after it`;
    const cut = redactor().text(text, 500);
    expect(cut).toBe(`${'x'.repeat(490)}…`);
    expect(cut).not.toContain(TOKEN.slice(0, 4));
    expect(cut.length).toBeLessThanOrEqual(500);
  });

  it('keeps a marker whole rather than cut it', () => {
    const text = `${'x'.repeat(480)}${TOKEN}${'y'.repeat(100)}`;
    expect(redactor().text(text, 500)).toBe(`${'x'.repeat(480)}[redacted]${'y'.repeat(9)}…`);
    expect(redactor().text(`${'x'.repeat(495)}${TOKEN}`, 500)).toBe(`${'x'.repeat(495)}…`);
  });

  it('drops the first part of a secret left at the end, where the text itself was cut short', () => {
    expect(redactor().text(`invalid token ${TOKEN.slice(0, 9)}`, 500)).toBe('invalid token [redacted]');
    // Three characters say nothing of a secret, and ordinary text ends with some often.
    expect(redactor().text('the word tok', 500)).toBe('the word tok');
  });

  it('scrubs the forms a secret takes in JSON text and URLs at the cut too', () => {
    const r = new Redactor();
    const secret = 'p@ss "w/rd" 12345';
    r.add(secret);
    const quoted = JSON.stringify({ echoed: secret });
    expect(r.text(`${'x'.repeat(495)}${quoted}`, 500)).not.toContain('p@ss');
    expect(r.text(`${'x'.repeat(495)}${encodeURIComponent(secret)}`, 500)).not.toContain('p%40');
  });

  it('leaves text without secrets, and without a length, as it was', () => {
    expect(redactor().text('short', 500)).toBe('short');
    expect(redactor().text(`a ${TOKEN} b`)).toBe('a [redacted] b');
    expect(new Redactor().text('x'.repeat(600), 500)).toBe(`${'x'.repeat(499)}…`);
  });
});
