import { createHash } from 'node:crypto';
import { detectMimeType } from 'nodemailer/lib/mime-funcs';
import { NodeError, NonRetriableError, type AllItemsRun, type Item, type JsonObject } from '../../sdk/index.ts';
import { asciiDomainOf, parseAddressList, type Mailbox } from './addresses.ts';
import type { Params } from './definition.ts';
import { sendFailure, type SendTarget } from './smtp-errors.ts';
import { withTransport, type SmtpCredentialValue } from './transports.ts';

/** The mailboxes of a checked list (the schema refused any entry that is no address). */
function mailboxes(value: string | string[] | undefined): Mailbox[] {
  if (value === undefined) return [];
  return parseAddressList(value).flatMap((entry) => (entry.ok ? [entry.mailbox] : []));
}

type Attachment = Params['attachments'][number];

/** The file's type: as given, or from its extension; text sent as text is UTF-8 and says so. */
function contentTypeOf(attachment: Attachment): string {
  const type = attachment.contentType || detectMimeType(attachment.filename);
  if (attachment.encoding === 'text' && /^text\//i.test(type) && !/;\s*charset=/i.test(type)) return `${type}; charset=utf-8`;
  return type;
}

function bytesOf(attachment: Attachment): number {
  return attachment.encoding === 'base64' ? Buffer.byteLength(attachment.content, 'base64') : Buffer.byteLength(attachment.content);
}

/**
 * A Message-ID made from the idempotency key: the same on every try of this e-mail, so a
 * mail store that keeps one message per Message-ID drops a repeat, and unique otherwise
 * (a run's id is in the key).
 */
function messageIdFor(idempotencyKey: string, sender: Mailbox): string {
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  return `<${digest}.junction@${asciiDomainOf(sender.address)}>`;
}

const addressText = (value: unknown) => (typeof value === 'string' ? value : (value as { address?: string }).address ?? String(value));

interface Send {
  params: Params;
  idempotencyKey: string;
  credential: SmtpCredentialValue;
  signal: AbortSignal;
}

/** Sends one e-mail; the item telling what the mail server said. */
async function sendOne({ params, idempotencyKey, credential, signal }: Send): Promise<JsonObject> {
  const fromText = params.from?.trim() || credential.data.from;
  if (!fromText) throw new NonRetriableError('Give a sender (From), or a default sender in the SMTP credential');
  const [sender] = mailboxes(fromText);
  if (!sender) throw new NonRetriableError(`The default sender of the SMTP credential, "${fromText}", is not an e-mail address`);
  const size = Buffer.byteLength(params.text ?? '') + Buffer.byteLength(params.html ?? '') + params.attachments.reduce((sum, a) => sum + bytesOf(a), 0);
  const { host, port, user, password } = credential.data;
  const target: SendTarget = { host, port, user, password, from: sender.address, size };

  const timeout = AbortSignal.timeout(params.timeoutSeconds * 1000);
  let info;
  try {
    info = await withTransport(credential, (transport) =>
      transport.sendMail({
        from: sender,
        to: mailboxes(params.to),
        cc: mailboxes(params.cc),
        bcc: mailboxes(params.bcc),
        replyTo: mailboxes(params.replyTo),
        // A line break in a subject would end the header; as a space it reads the same.
        subject: params.subject.replace(/[\r\n]+/g, ' '),
        text: params.text || undefined,
        html: params.html || undefined,
        attachments: params.attachments.map((attachment) => ({
          filename: attachment.filename,
          content: attachment.content,
          encoding: attachment.encoding === 'base64' ? 'base64' : undefined,
          contentType: contentTypeOf(attachment),
        })),
        messageId: messageIdFor(idempotencyKey, sender),
        headers: { 'X-Idempotency-Key': idempotencyKey },
        signal: AbortSignal.any([signal, timeout]),
      }),
    );
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (timeout.aborted) throw new NodeError(`No answer from the mail server ${host}:${port} within ${params.timeoutSeconds} s`, { cause: error });
    throw sendFailure(error, target);
  }

  const item: JsonObject = {
    messageId: info.messageId,
    accepted: info.accepted.map(addressText),
    rejected: info.rejected.map(addressText),
    envelope: { from: info.envelope.from, to: info.envelope.to },
    response: info.response,
  };
  // Some recipients refused, the others got it: the e-mail went out, and says who did not get it why.
  const refusals = (info as { rejectedErrors?: { recipient?: string; response?: string }[] }).rejectedErrors ?? [];
  if (refusals.length > 0) item.rejectedReplies = Object.fromEntries(refusals.map((refusal) => [refusal.recipient ?? '?', refusal.response ?? '']));
  return item;
}

export const run: AllItemsRun<Params> = async ({ params, items, itemParams, idempotencyKey, credentials, signal }) => {
  const credential = credentials.credential;
  if (credential?.type !== 'smtp') throw new NonRetriableError('The SMTP credential this node uses was not provided to it');
  if (params.mode === 'once') {
    const json = await sendOne({ params, idempotencyKey, credential, signal });
    const made: Item = { json };
    if (items.length > 0) made.pairedItem = items.length === 1 ? 0 : items.map((_, index) => index);
    return { main: [made] };
  }

  // Every item's params are filled in and checked before the first e-mail goes out: a bad
  // address in item 7 fails the step with nothing sent.
  const each = await itemParams();
  const sent: Item[] = [];
  for (let index = 0; index < items.length; index++) {
    if (signal.aborted) throw signal.reason;
    // As for a per-item step: each e-mail is its own effect with its own key.
    const key = items.length === 1 ? idempotencyKey : `${idempotencyKey}:${index}`;
    try {
      sent.push({ json: await sendOne({ params: each[index]!, idempotencyKey: key, credential, signal }), pairedItem: index });
    } catch (error) {
      if (!(error instanceof NodeError) || index === 0) throw error;
      const ErrorClass = error instanceof NonRetriableError ? NonRetriableError : NodeError;
      const before = index === 1 ? 'the one before it was sent' : `the ${index} before it were sent`;
      throw new ErrorClass(`E-mail ${index + 1} of ${items.length}: ${error.message} (${before}; a retry sends ${index === 1 ? 'it' : 'them'} again, with the same Message-ID)`, {
        cause: error,
        details: { ...error.details, item: index, sent: index },
      });
    }
  }
  return { main: sent };
};
