/**
 * What a failed send means, in words a person acts on, and whether trying again can help.
 * SMTP says the second part itself: a 4xx reply is "not now" (retried), a 5xx reply is
 * "never" (not retried); a connection that could not be made or broke off is retried;
 * a certificate or a TLS setting that does not fit the server is not, since only a change
 * of the credential fixes it.
 */
import { NodeError, NonRetriableError } from '../../sdk/index.ts';
import { refusalOf } from '../../outbound/connect.ts';

/** What nodemailer puts on its errors (nodemailer's `errors.js`). */
interface SmtpFailure extends Error {
  code?: string;
  /** The system's error under ESOCKET / EDNS (ECONNREFUSED, CERT_HAS_EXPIRED, …). */
  originalCode?: string;
  responseCode?: number;
  response?: string;
  /** The SMTP command that failed: CONN, AUTH PLAIN, MAIL FROM, RCPT TO, DATA, STARTTLS. */
  command?: string;
  rejectedErrors?: SmtpFailure[];
  recipient?: string;
}

export interface SendTarget {
  host: string;
  port: number;
  user: string | undefined;
  /** Kept out of every message, even when a server quotes what it was sent. */
  password: string | undefined;
  from: string;
  /** The size in bytes of the bodies and attachments, for "too large". */
  size: number;
}

const sizeText = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

const CONNECTION_FAILURES: Partial<Record<string, string>> = {
  ECONNREFUSED: 'nothing answers on that port (is the mail server running, and are the host and port right?)',
  ENOTFOUND: 'there is no such host name (check the host in the SMTP credential for typos)',
  EAI_AGAIN: 'the host name could not be looked up just now (DNS)',
  ECONNRESET: 'the connection was cut off by the mail server',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host cannot be reached from this server (network or firewall)',
  ENETUNREACH: 'the network cannot be reached from this server',
};

const CERTIFICATE_FAILURES: Partial<Record<string, string>> = {
  CERT_HAS_EXPIRED: "the mail server's certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the mail server uses a self-signed certificate, which is not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: "the mail server's certificate chain holds a self-signed certificate, which is not trusted",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the mail server's certificate cannot be verified",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the mail server's certificate was issued by an authority this server does not know",
  ERR_TLS_CERT_ALTNAME_INVALID: "the mail server's certificate is for another host name",
};

/** The server's reply, one line, without the password should a server quote it. */
function reply(failure: SmtpFailure, target: SendTarget): string {
  let text = (failure.response ?? failure.message).replace(/\s+/g, ' ').trim();
  if (target.password) text = text.replaceAll(target.password, '•••');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

const isPermanent = (code: number | undefined) => code !== undefined && code >= 500 && code < 600 && code !== 503;
const isTemporary = (code: number | undefined) => code !== undefined && code >= 400 && code < 500;

/** Too large: 552 where a size is meant (RFC 5321 §4.5.3.1.10), or the enhanced code 5.3.4 / 5.2.3. */
function tooLarge(failure: SmtpFailure): boolean {
  const text = failure.response ?? '';
  return /\b5\.(3\.4|2\.3)\b/.test(text) || (failure.responseCode === 552 && failure.command !== 'RCPT TO') || /too (big|large)|size limit|exceeds.*size/i.test(text);
}

/** The error a step fails with for `thrown`, an error of nodemailer's `sendMail`. */
export function sendFailure(thrown: unknown, target: SendTarget): NodeError {
  const refused = refusalOf(thrown);
  if (refused) return refused;
  const failure = thrown as SmtpFailure;
  const server = `${target.host}:${target.port}`;
  const details = {
    ...(failure.code ? { code: failure.originalCode ?? failure.code } : {}),
    ...(failure.responseCode ? { responseCode: failure.responseCode } : {}),
    ...(failure.command ? { command: failure.command } : {}),
  };
  const options = { cause: thrown, details };
  const system = failure.originalCode ?? failure.code ?? '';

  const certificate = CERTIFICATE_FAILURES[system];
  if (certificate) return new NonRetriableError(`TLS problem with the mail server ${server}: ${certificate}`, options);
  if (/^ERR_SSL_|^ERR_TLS_/.test(system) || (failure as { library?: string }).library === 'SSL routines') {
    return new NonRetriableError(
      `TLS problem with the mail server ${server}: it does not speak TLS the way the SMTP credential says (security "tls" is for port 465, "starttls" for port 587): ${(failure as { reason?: string }).reason ?? failure.message.trim()}`,
      options,
    );
  }
  if (failure.code === 'ETLS') {
    const why = `TLS problem with the mail server ${server}: STARTTLS failed (${reply(failure, target)})`;
    if (isTemporary(failure.responseCode)) return new NodeError(why, options);
    return new NonRetriableError(`${why}; the server may not offer STARTTLS: choose the security it supports in the SMTP credential`, options);
  }
  if (failure.command === 'CONN' || ['ESOCKET', 'ECONNECTION', 'ETIMEDOUT', 'EDNS'].includes(failure.code ?? '')) {
    const why = CONNECTION_FAILURES[system] ?? failure.message.trim();
    return new NodeError(`Could not reach the mail server ${server}: ${why}`, options);
  }

  if (failure.code === 'ENOAUTH') {
    return new NonRetriableError(`The mail server ${server} wants a login, but the SMTP credential has no user name and password`, options);
  }
  if (failure.code === 'EAUTH') {
    const who = target.user ? ` of "${target.user}"` : '';
    if (isTemporary(failure.responseCode)) return new NodeError(`The mail server ${server} could not check the login${who} just now (${reply(failure, target)})`, options);
    return new NonRetriableError(`Authentication failed: the mail server ${server} refused the login${who} (${reply(failure, target)}); check the user name and password in the SMTP credential`, options);
  }
  if (failure.responseCode === 530) {
    return new NonRetriableError(`The mail server ${server} wants a login first (${reply(failure, target)}); give a user name and password in the SMTP credential`, options);
  }

  if (failure.command === 'RCPT TO' && failure.rejectedErrors?.length) {
    const refusals = failure.rejectedErrors.map((refusal) => `${refusal.recipient ?? '?'} (${reply(refusal, target)})`).join(', ');
    const recipients = failure.rejectedErrors.length === 1 ? 'the recipient' : 'the recipients';
    const recipientDetails = { ...details, recipients: failure.rejectedErrors.map((r) => ({ address: r.recipient, responseCode: r.responseCode })) };
    if (failure.rejectedErrors.some((refusal) => !isPermanent(refusal.responseCode))) {
      return new NodeError(`The mail server ${server} turned down ${recipients} ${refusals} for now; sending is tried again`, { cause: thrown, details: recipientDetails });
    }
    return new NonRetriableError(`The mail server ${server} refused ${recipients} ${refusals}`, { cause: thrown, details: recipientDetails });
  }
  if (tooLarge(failure) && isPermanent(failure.responseCode)) {
    return new NonRetriableError(`The mail server ${server} refused the message as too large (${reply(failure, target)}); its bodies and attachments come to ${sizeText(target.size)}: attach less, or smaller files`, options);
  }
  if (failure.command === 'MAIL FROM') {
    const why = `The mail server ${server} refused the sender ${target.from} (${reply(failure, target)})`;
    return isPermanent(failure.responseCode) ? new NonRetriableError(why, options) : new NodeError(why, options);
  }
  if (failure.responseCode !== undefined) {
    const why = `The mail server ${server} refused the message (${reply(failure, target)})`;
    return isPermanent(failure.responseCode) ? new NonRetriableError(why, options) : new NodeError(why, options);
  }
  // Nodemailer's own checks (an envelope it cannot build) fail the same way on every try.
  if (failure.code === 'EENVELOPE' || failure.code === 'EMESSAGE' || failure.code === 'ECONFIG') {
    return new NonRetriableError(`The e-mail could not be sent: ${failure.message}`, options);
  }
  return new NodeError(`Sending through ${server} failed: ${failure.message}`, options);
}
