/**
 * A real SMTP server on loopback for the e-mail node's tests (smtp-server): it keeps what
 * arrives — the envelope as the client sent it and the message parsed by mailparser — and
 * answers as a test asks (a login it requires, recipients it refuses, a size limit, a
 * stall). Tests only: it imports the devDependencies.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  /** The user the client logged in as, if it did. */
  user: string | undefined;
  raw: string;
  parsed: ParsedMail;
}

export interface TestSmtpServerOptions {
  /** Require this login (the default: none required). */
  login?: { user: string; password: string };
  /** Refuse these recipients at RCPT TO with the given reply. */
  refuse?: Record<string, { code: number; message: string }>;
  /** Largest message accepted, in bytes (answered with 552 when exceeded). */
  size?: number;
  /** Wait this long before answering the message's DATA. */
  stallMs?: number;
  /** Passed on to smtp-server as they are (`secure`, `disabledCommands`, …). */
  server?: SMTPServerOptions;
}

export interface TestSmtpServer {
  port: number;
  received: ReceivedMail[];
  /** Connections the server accepted, to see a transport being reused. */
  connections: number;
  close(): Promise<void>;
}

function replyError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpServer(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const state = { connections: 0 };
  const server = new SMTPServer({
    authOptional: !options.login,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    size: options.size,
    logger: false,
    onConnect(_session, callback) {
      state.connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      const login = options.login;
      if (login && auth.username === login.user && auth.password === login.password) return callback(null, { user: auth.username });
      callback(replyError(535, 'Authentication credentials invalid'));
    },
    onRcptTo(address, _session, callback) {
      const refusal = options.refuse?.[address.address];
      callback(refusal ? replyError(refusal.code, refusal.message) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if ((stream as { sizeExceeded?: boolean }).sizeExceeded) return callback(replyError(552, '5.3.4 Message too big for this server'));
        const raw = Buffer.concat(chunks).toString('utf8');
        const answer = () =>
          simpleParser(raw).then(
            (parsed) => {
              received.push({
                envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) },
                user: session.user as string | undefined,
                raw,
                parsed,
              });
              callback(null, 'Queued as test');
            },
            (error: Error) => callback(error),
          );
        if (options.stallMs) setTimeout(answer, options.stallMs);
        else void answer();
      });
    },
    ...options.server,
  });
  // A client that hangs up mid-conversation (an aborted send) is not the test's failure.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    get connections() {
      return state.connections;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
