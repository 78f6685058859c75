import type { NodeWords } from '../../sdk/words.ts';

export const words = {
  label: 'Send e-mail',
  description:
    'Sends e-mail through an SMTP server, one per item or one for all items. Like every outside effect, a crash right after sending may send an e-mail again; each carries the same X-Idempotency-Key header and Message-ID on every try, so the receiving side can drop repeats.',
  params: {
    credential: { label: 'SMTP server', help: 'An SMTP credential from the vault: host, port, TLS and login.' },
    mode: { label: 'Send', help: 'One e-mail per item, each filled in from its item; or one e-mail for all items, e.g. a summary built with $input.all().' },
    from: { label: 'From', help: 'The sender, e.g. Taipei Tea <orders@taipei-tea.example>. Empty: the SMTP credential\'s default sender.' },
    to: { label: 'To', help: 'Addresses with commas between them, e.g. anna@shop.example, Ben Wu <ben@shop.example>; or a list from an expression.' },
    cc: { label: 'Cc', help: 'Copy to: addresses with commas between them.' },
    bcc: { label: 'Bcc', help: 'Blind copy to: the other recipients do not see these addresses.' },
    replyTo: { label: 'Reply to', help: 'Where replies go, when not to the sender.' },
    subject: { label: 'Subject' },
    text: { label: 'Body (plain text)', help: 'Give a plain-text body, an HTML body, or both.' },
    html: { label: 'Body (HTML)', help: 'Give a plain-text body, an HTML body, or both: mail programs show the one they can.' },
    attachments: { label: 'Attachments', help: 'Files to attach, their content from an expression (e.g. a CSV built earlier in the flow).' },
    filename: { label: 'File name', help: 'As the recipient sees it, e.g. orders-2026-11-25.csv.' },
    content: { label: 'Content', help: 'The file itself as text, or as base64 for a PDF or an image.' },
    encoding: { label: 'Content is', choose: 'Choose how the content is written' },
    contentType: { label: 'Content type', help: 'E.g. text/csv or application/pdf. Empty: from the file name\'s extension.' },
    timeoutSeconds: { label: 'Timeout (seconds)', help: 'Give up on sending an e-mail after this many seconds.' },
  },
  options: {
    mode: { perItem: 'One e-mail per item', once: 'One e-mail for all items' },
    encoding: { text: 'Text', base64: 'Base64' },
  },
  messages: {
    addressListShape: 'Give the addresses as text, with commas between them, or as a list of texts',
    notAnAddress: '{{entry}} is not an e-mail address',
    notAddresses: 'These are not e-mail addresses: {{entries}}',
    oneSender: 'Give one sender address',
    noRecipient: 'Give at least one recipient (To, Cc or Bcc)',
    subjectEmpty: 'The subject is empty',
    subjectTooLong: 'The subject is longer than 2000 characters',
    noBody: 'Give a body: plain text, HTML, or both',
    fileNameEmpty: 'Give the file a name',
    fileNameTooLong: 'A file name has at most 255 characters',
    fileNameCharacters: 'A file name cannot hold /, \\ or line breaks',
    contentType: 'Write a content type like text/csv or application/pdf',
    notBase64: 'This is not base64: only letters, digits, +, / and = at the end',
  },
} as const satisfies NodeWords;
