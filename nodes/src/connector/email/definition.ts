import { z } from 'zod';
import { CredentialRef } from '../../credentials/types.ts';
import { defineNode, nodeMessages } from '../../sdk/index.ts';
import { parseAddressList, quoteEntries } from './addresses.ts';
import { words } from './words.en.ts';

const say = nodeMessages('connector.email', words.messages);

/** The addresses of a list that are none, as written. */
function notAddresses(text: string): string[] {
  return parseAddressList(text).flatMap((entry) => (entry.ok ? [] : [entry.written]));
}

/**
 * Recipients: text with commas (or semicolons) between the addresses, or a list of them —
 * what an expression over the items gives (`{{ $input.all().map(i => i.json.email) }}`).
 * Each bad entry is named; in a list, at its place, so a saved workflow's check skips the
 * places an expression fills in.
 */
const AddressList = z
  .union([z.string().max(100_000), z.array(z.string().max(1000)).max(1000)], say.check('addressListShape'))
  .superRefine((value, ctx) => {
    const texts = typeof value === 'string' ? [value] : value;
    texts.forEach((text, index) => {
      const bad = notAddresses(text);
      if (bad.length === 0) return;
      const issue = bad.length === 1 ? say.issue('notAnAddress', { entry: quoteEntries(bad) }) : say.issue('notAddresses', { entries: quoteEntries(bad) });
      ctx.addIssue({ ...issue, path: typeof value === 'string' ? [] : [index] });
    });
  });

/** The sender: one address, optionally with a name (`Taipei Tea <orders@taipei-tea.example>`). */
const Sender = z
  .string()
  .max(1000)
  .superRefine((value, ctx) => {
    const entries = parseAddressList(value);
    const bad = entries.flatMap((entry) => (entry.ok ? [] : [entry.written]));
    if (bad.length > 0) ctx.addIssue(say.issue('notAnAddress', { entry: quoteEntries(bad) }));
    else if (entries.length > 1) ctx.addIssue(say.issue('oneSender'));
  });

const Attachment = z
  .object({
    filename: z
      .string()
      .trim()
      .min(1, say.check('fileNameEmpty'))
      .max(255, say.check('fileNameTooLong'))
      // A path or a line break in a file name is a mistake (or an attack) in every mail program.
      .regex(/^[^/\\\p{Cc}]*$/u, say.check('fileNameCharacters'))
      .describe('The name the recipient sees, e.g. orders-2026-11-25.csv; its extension gives the default content type.'),
    content: z.string().max(50 * 1024 * 1024).describe('The file\'s content: text (e.g. a CSV built by an expression), or base64 when the encoding says so.'),
    encoding: z.enum(['text', 'base64']).default('text').describe('text: the content is the file as it is (sent as UTF-8); base64: the content is base64 of the file\'s bytes (a PDF, an image).'),
    contentType: z
      .string()
      .trim()
      .regex(/^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=("[^"\r\n]*"|[\w.+-]+))*$/, say.check('contentType'))
      .optional()
      .describe('The file\'s type, e.g. text/csv or application/pdf; empty: from the file name\'s extension.'),
  })
  .strict()
  .superRefine((attachment, ctx) => {
    if (attachment.encoding === 'base64' && !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(attachment.content)) {
      ctx.addIssue({ ...say.issue('notBase64'), path: ['content'] });
    }
  });

export const Params = z
  .object({
    credential: CredentialRef.describe('The SMTP server to send through: an SMTP credential (host, port, TLS, login).'),
    mode: z
      .enum(['perItem', 'once'])
      .default('perItem')
      .describe('perItem: one e-mail for each item, its fields filled in from that item; once: one e-mail for all the items (expressions see the first item as $json, and all of them as $input.all()).'),
    from: Sender.optional().describe('The sender, e.g. Taipei Tea <orders@taipei-tea.example>. Empty: the SMTP credential\'s default sender.'),
    to: AddressList.optional().describe('Recipients: addresses with commas between them, or a list.'),
    cc: AddressList.optional().describe('Copy to: addresses with commas between them, or a list.'),
    bcc: AddressList.optional().describe('Blind copy to (the other recipients do not see these): addresses with commas between them, or a list.'),
    replyTo: AddressList.optional().describe('Where replies go, when not to the sender.'),
    subject: z.string().max(2000, say.check('subjectTooLong')).min(1, say.check('subjectEmpty')).describe('The subject line.'),
    text: z.string().max(10 * 1024 * 1024).optional().describe('The message as plain text.'),
    html: z.string().max(10 * 1024 * 1024).optional().describe('The message as HTML; with a plain-text body as well, mail programs show the one they can.'),
    attachments: z.array(Attachment).max(50).default([]).describe('Files to attach.'),
    timeoutSeconds: z.number().min(1).max(600).default(60).describe('Give up on sending an e-mail after this many seconds.'),
  })
  .strict()
  .superRefine((params, ctx) => {
    const given = (value: string | string[] | undefined) => value !== undefined && (typeof value === 'string' ? value.trim() !== '' : value.some((text) => text.trim() !== ''));
    if (!given(params.to) && !given(params.cc) && !given(params.bcc)) ctx.addIssue({ ...say.issue('noRecipient'), path: ['to'] });
    if (!params.text?.trim() && !params.html?.trim()) ctx.addIssue({ ...say.issue('noBody'), path: ['text'] });
  });
export type Params = z.infer<typeof Params>;

export const definition = defineNode({
  type: 'connector.email',
  version: 1,
  label: words.label,
  description: words.description,
  icon: 'mail',
  category: 'connector',
  inputs: ['main'],
  outputs: ['main'],
  params: Params,
  // One e-mail per item or one for all is the user's choice (`mode`): the node gets every
  // item and asks for each item's params when it sends one per item.
  mode: 'allItems',
  sideEffects: true,
  retry: { maxAttempts: 3, backoffMs: 5000, maxBackoffMs: 60_000 },
  credentials: [{ param: 'credential', types: ['smtp'] }],
});
