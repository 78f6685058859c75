import { describe, expect, it } from 'vitest';
import { nodeMessageOf } from '../../sdk/index.ts';
import { paramIssues } from '../../workflow/validate.ts';
import { isAddress, parseAddressList } from './addresses.ts';
import { definition, Params } from './definition.ts';

const CREDENTIAL = '0b6a4a3e-43f4-4d0e-9e43-57d6a5c1e7a2';
const base = { credential: CREDENTIAL, to: 'anna@shop.example', subject: 'Hello', text: 'Hi' };

/** The issues a saved workflow's check reports for these params: path, message, message key. */
function issues(params: Record<string, unknown>) {
  return paramIssues(Params, { ...base, ...params }).map((issue) => ({ path: issue.path, message: issue.message, key: nodeMessageOf(issue)?.key }));
}

describe('address lists', () => {
  it('reads what people write: names, quotes with commas, semicolons, angle brackets', () => {
    const entries = parseAddressList('Anna Lin <anna@shop.example>, "Wu, Ben" <ben@shop.example>; ops@shop.example ,<cs@shop.example>,');
    expect(entries).toEqual([
      { ok: true, mailbox: { name: 'Anna Lin', address: 'anna@shop.example' } },
      { ok: true, mailbox: { name: 'Wu, Ben', address: 'ben@shop.example' } },
      { ok: true, mailbox: { address: 'ops@shop.example' } },
      { ok: true, mailbox: { address: 'cs@shop.example' } },
    ]);
    expect(parseAddressList(['a@shop.example, b@shop.example', '陳小姐 <chen@例子.台灣>'])).toEqual([
      { ok: true, mailbox: { address: 'a@shop.example' } },
      { ok: true, mailbox: { address: 'b@shop.example' } },
      { ok: true, mailbox: { name: '陳小姐', address: 'chen@例子.台灣' } },
    ]);
    expect(parseAddressList('')).toEqual([]);
  });

  it('knows an address from what is not one', () => {
    for (const good of ['a@shop.example', 'first.last+tag@mail.shop.example', "o'neil@shop.example", 'x@xn--fsqu00a.xn--kpry57d', 'x@例子.台灣']) {
      expect(isAddress(good), good).toBe(true);
    }
    for (const bad of ['', 'anna', 'anna@', '@shop.example', 'anna@shop', 'anna@@shop.example', 'an na@shop.example', 'anna@shop..example', 'a@例子.台灣:25', `${'a'.repeat(250)}@shop.example`]) {
      expect(isAddress(bad), bad).toBe(false);
    }
    // A name may not carry a line break into the header it is written in.
    expect(parseAddressList('"Anna\r\nBcc: x@evil.example" <anna@shop.example>')[0]!.ok).toBe(false);
  });
});

describe('connector.email params', () => {
  it('takes a minimal e-mail with the defaults', () => {
    expect(Params.parse(base)).toEqual({ ...base, mode: 'perItem', attachments: [], timeoutSeconds: 60 });
    expect(definition).toMatchObject({ type: 'connector.email', mode: 'allItems', sideEffects: true, credentials: [{ param: 'credential', types: ['smtp'] }] });
    expect(definition.retry.maxAttempts).toBeGreaterThan(1);
  });

  it('names the field and the address that is not one', () => {
    expect(issues({ to: 'anna@shop.example, bob@' })).toEqual([{ path: ['to'], message: '"bob@" is not an e-mail address', key: 'connector.email.notAnAddress' }]);
    expect(issues({ cc: 'bob@, carl' })).toEqual([{ path: ['cc'], message: 'These are not e-mail addresses: "bob@", "carl"', key: 'connector.email.notAddresses' }]);
    expect(issues({ bcc: ['ok@shop.example', 'not an address'] })).toEqual([{ path: ['bcc', 1], message: '"not an address" is not an e-mail address', key: 'connector.email.notAnAddress' }]);
    expect(issues({ replyTo: 'reply@shop' })).toEqual([{ path: ['replyTo'], message: '"reply@shop" is not an e-mail address', key: 'connector.email.notAnAddress' }]);
    expect(issues({ from: 'Shop <orders@shop>' })).toEqual([{ path: ['from'], message: '"Shop <orders@shop>" is not an e-mail address', key: 'connector.email.notAnAddress' }]);
    expect(issues({ from: 'a@shop.example, b@shop.example' })).toEqual([{ path: ['from'], message: 'Give one sender address', key: 'connector.email.oneSender' }]);
    expect(issues({ to: 42 })).toEqual([expect.objectContaining({ path: ['to'], key: 'connector.email.addressListShape' })]);
  });

  it('leaves addresses an expression fills in to the run, and checks the rest when saved', () => {
    expect(issues({ to: '{{ $json.email }}' })).toEqual([]);
    expect(issues({ to: 'ops@shop.example, {{ $json.email }}' })).toEqual([]);
    expect(issues({ to: ['{{ $json.email }}', 'bob@'] })).toEqual([{ path: ['to', 1], message: '"bob@" is not an e-mail address', key: 'connector.email.notAnAddress' }]);
    // Filled in, the same check runs again (the runtime parses the filled-in params).
    expect(Params.safeParse({ ...base, to: 'bob@' }).success).toBe(false);
  });

  it('wants a recipient, a subject and a body', () => {
    expect(issues({ to: undefined })).toEqual([{ path: ['to'], message: 'Give at least one recipient (To, Cc or Bcc)', key: 'connector.email.noRecipient' }]);
    expect(issues({ to: ' ', cc: [] })).toEqual([expect.objectContaining({ key: 'connector.email.noRecipient' })]);
    expect(issues({ to: undefined, bcc: 'list@shop.example' })).toEqual([]);
    expect(issues({ subject: '' })).toEqual([{ path: ['subject'], message: 'The subject is empty', key: 'connector.email.subjectEmpty' }]);
    expect(issues({ text: undefined })).toEqual([{ path: ['text'], message: 'Give a body: plain text, HTML, or both', key: 'connector.email.noBody' }]);
    expect(issues({ text: undefined, html: '<p>Hi</p>' })).toEqual([]);
    expect(issues({ text: '   ', html: '' })).toEqual([expect.objectContaining({ key: 'connector.email.noBody' })]);
  });

  it('checks attachments: a file name, base64 when it says base64, a content type', () => {
    const attach = (attachment: Record<string, unknown>) => issues({ attachments: [{ filename: 'a.csv', content: 'x', ...attachment }] });
    expect(attach({})).toEqual([]);
    expect(attach({ content: 'JVBERi0xLjQK', encoding: 'base64', contentType: 'application/pdf' })).toEqual([]);
    expect(attach({ content: 'not base64!', encoding: 'base64' })).toEqual([{ path: ['attachments', 0, 'content'], message: expect.stringContaining('not base64'), key: 'connector.email.notBase64' }]);
    expect(attach({ filename: ' ' })).toEqual([expect.objectContaining({ path: ['attachments', 0, 'filename'], key: 'connector.email.fileNameEmpty' })]);
    expect(attach({ filename: '../etc/passwd' })).toEqual([expect.objectContaining({ key: 'connector.email.fileNameCharacters' })]);
    expect(attach({ filename: 'a\nb.csv' })).toEqual([expect.objectContaining({ key: 'connector.email.fileNameCharacters' })]);
    expect(attach({ contentType: 'csv' })).toEqual([expect.objectContaining({ path: ['attachments', 0, 'contentType'], key: 'connector.email.contentType' })]);
    expect(attach({ contentType: 'text/csv; charset=big5' })).toEqual([]);
    expect(attach({ content: '{{ $json.csv }}', encoding: 'base64' })).toEqual([]);
  });
});
