/**
 * Just enough of PostgreSQL's wire protocol (v3) for the fault proxy to tell statements
 * apart: cutting a byte stream into messages, reading the SQL a message carries, and
 * writing the two messages the proxy answers with itself (an error, ready-for-query).
 *
 * A message is a type byte, a 4-byte length (counting itself) and a body; the client's
 * first message (startup, SSL or cancel request) has no type byte.
 * https://www.postgresql.org/docs/current/protocol-message-formats.html
 */

export interface Message {
  /** The type byte as a character ('Q', 'P', 'B', 'S', ...); '' for an untyped startup-phase message. */
  type: string;
  /** The whole message as sent, header included. */
  bytes: Buffer;
  body: Buffer;
}

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;

/**
 * Cuts a stream into messages. Chunks go in as they arrive; whole messages come out.
 * `untypedFirst`: the stream starts with untyped messages (the client side) until a
 * startup message proper, after which every message is typed.
 */
export class MessageReader {
  /** Bytes received and not yet cut into messages, in arrival order (joined only when a message is whole: a 60 MB row arrives in thousands of chunks). */
  private chunks: Buffer[] = [];
  private length = 0;
  private untyped: boolean;

  constructor(untypedFirst: boolean) {
    this.untyped = untypedFirst;
  }

  push(chunk: Buffer): Message[] {
    this.chunks.push(chunk);
    this.length += chunk.length;
    const messages: Message[] = [];
    for (;;) {
      const header = this.untyped ? 4 : 5;
      if (this.length < header) break;
      const head = this.peek(header);
      const length = this.untyped ? head.readInt32BE(0) : head.readInt32BE(1);
      const total = this.untyped ? length : length + 1;
      if (length < 4 || this.length < total) break;
      const bytes = this.take(total);
      if (this.untyped) {
        const code = bytes.readInt32BE(4);
        // After an SSL or GSS request the client sends its startup message, still untyped.
        if (code !== SSL_REQUEST && code !== GSS_REQUEST) this.untyped = false;
        messages.push({ type: '', bytes, body: bytes.subarray(8) });
      } else {
        messages.push({ type: String.fromCharCode(bytes[0]!), bytes, body: bytes.subarray(5) });
      }
    }
    return messages;
  }

  /** The first `count` bytes, without consuming them. */
  private peek(count: number): Buffer {
    if (this.chunks[0]!.length < count) {
      let joined = 0;
      let parts = 0;
      while (joined < count) joined += this.chunks[parts++]!.length;
      this.chunks.splice(0, parts, Buffer.concat(this.chunks.slice(0, parts)));
    }
    return this.chunks[0]!.subarray(0, count);
  }

  /** Removes and returns the first `count` bytes. */
  private take(count: number): Buffer {
    const joined = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = joined.length > count ? [joined.subarray(count)] : [];
    this.length -= count;
    return joined.subarray(0, count);
  }
}

/** A NUL-terminated string at `offset`, and where the next field starts. */
function cString(body: Buffer, offset: number): [string, number] {
  const end = body.indexOf(0, offset);
  if (end < 0) return [body.toString('utf8', offset), body.length];
  return [body.toString('utf8', offset, end), end + 1];
}

/** Query ('Q'): the SQL text. */
export const queryText = (message: Message): string => cString(message.body, 0)[0];

/** Parse ('P'): the prepared statement's name ('' for the unnamed one) and its SQL. */
export function parseMessage(message: Message): { name: string; text: string } {
  const [name, next] = cString(message.body, 0);
  return { name, text: cString(message.body, next)[0] };
}

/** Bind ('B'): the name of the prepared statement it executes. */
export const boundStatement = (message: Message): string => cString(message.body, cString(message.body, 0)[1])[0];

/** ReadyForQuery ('Z'): 'I' idle, 'T' in a transaction, 'E' in a failed transaction. */
export const transactionStatus = (message: Message): string => String.fromCharCode(message.body[0] ?? 73);

/** An ErrorResponse ('E') as PostgreSQL writes one. */
export function errorResponse(code: string, text: string): Buffer {
  const fields = Buffer.concat([
    ...[['S', 'ERROR'], ['V', 'ERROR'], ['C', code], ['M', text]].map(([field, value]) => Buffer.from(`${field}${value}\0`, 'utf8')),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}

/** ReadyForQuery ('Z') with the given transaction status. */
export function readyForQuery(status: 'I' | 'T' | 'E'): Buffer {
  const message = Buffer.alloc(6);
  message.write('Z', 0);
  message.writeInt32BE(5, 1);
  message.write(status, 5);
  return message;
}
