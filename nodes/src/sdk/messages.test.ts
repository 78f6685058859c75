import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { nodeMessageOf, nodeMessages } from './messages.ts';
import { fillMessage, splitMessageKey } from './words.ts';

const say = nodeMessages('logic.example', {
  nameMissing: 'Give it a name',
  tooMany: 'At most {{count}} entries',
  badHeader: 'Not a valid header name',
  noBody: 'A {{method}} request cannot have a body',
  chooseCredential: 'Choose a credential',
} as const);

const Params = z
  .object({
    name: z.string().min(1, say.check('nameMissing')),
    list: z.array(z.string().regex(/^[a-z]+$/, say.check('badHeader'))).max(2, say.check('tooMany', { count: 2 })).default([]),
    method: z.enum(['GET', 'POST']).default('GET'),
    body: z.unknown().optional(),
    credential: z.uuid(say.check('chooseCredential')).optional(),
  })
  .superRefine((params, ctx) => {
    if (params.method === 'GET' && params.body !== undefined) ctx.addIssue({ ...say.issue('noBody', { method: params.method }), path: ['body'] });
  });

/** The issues of `value`, each as its path, English message and node message. */
function issues(value: unknown) {
  const result = Params.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message, i18n: nodeMessageOf(issue) }));
}

describe('node messages', () => {
  it('gives a zod check the English sentence and the key, with the values of its placeholders', () => {
    expect(issues({ name: '', list: ['a', 'B'] })).toEqual([
      { path: 'name', message: 'Give it a name', i18n: { key: 'logic.example.nameMissing', params: {} } },
      { path: 'list.1', message: 'Not a valid header name', i18n: { key: 'logic.example.badHeader', params: {} } },
    ]);
    expect(issues({ name: 'x', list: ['a', 'b', 'c'] })).toEqual([
      { path: 'list', message: 'At most 2 entries', i18n: { key: 'logic.example.tooMany', params: { count: 2 } } },
    ]);
  });

  it('gives a string format its message too, whatever the wrong value', () => {
    expect(issues({ name: 'x', credential: 'nope' })).toEqual([
      { path: 'credential', message: 'Choose a credential', i18n: { key: 'logic.example.chooseCredential', params: {} } },
    ]);
  });

  it('raises an issue from a refinement, by key', () => {
    expect(issues({ name: 'x', body: { a: 1 } })).toEqual([
      { path: 'body', message: 'A GET request cannot have a body', i18n: { key: 'logic.example.noBody', params: { method: 'GET' } } },
    ]);
  });

  it('leaves zod\'s own checks without a node message', () => {
    expect(issues({ name: 3 })).toEqual([{ path: 'name', message: expect.stringMatching(/^Invalid input/), i18n: undefined }]);
  });

  it('refuses a key the English words do not have (a node whose words lag behind its definition)', () => {
    const loose = nodeMessages('logic.example', { known: 'Known' } as Record<string, string>);
    expect(() => loose.check('unknown')).toThrow(/logic\.example has no message "unknown" in its English words/);
  });

  it('fills placeholders, keeping one it has no value for as written', () => {
    expect(fillMessage('A {{method}} request, {{ count }} times, {{other}}', { method: 'GET', count: 0 })).toBe('A GET request, 0 times, {{other}}');
  });

  it('splits a message key into node type and message', () => {
    expect(splitMessageKey('connector.http.bodyNotAllowed')).toEqual({ type: 'connector.http', message: 'bodyNotAllowed' });
    expect(splitMessageKey('connector.http')).toBeUndefined();
    expect(splitMessageKey('connector.http.body.more')).toBeUndefined();
  });
});
