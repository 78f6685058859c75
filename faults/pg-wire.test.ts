/** Cutting PostgreSQL's byte stream into messages, however the network splits it. */
import { describe, expect, it } from 'vitest';
import { boundStatement, errorResponse, MessageReader, parseMessage, queryText, readyForQuery } from './pg-wire.ts';

const message = (type: string, body: Buffer) => {
  const header = Buffer.alloc(5);
  header.write(type);
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
};
const startup = Buffer.alloc(8);
startup.writeInt32BE(8, 0);
startup.writeInt32BE(196608, 4);

describe('MessageReader', () => {
  const stream = Buffer.concat([
    startup,
    message('Q', Buffer.from('insert into t values (1)\0')),
    message('P', Buffer.from('save\0update runs set version = version + 1\0\0\0')),
    message('B', Buffer.from('\0save\0\0\0\0\0\0\0')),
    message('S', Buffer.alloc(0)),
    message('D', Buffer.alloc(200_000, 65)),
  ]);

  it.each([1, 3, 5, 4096, stream.length])('reads the same messages from chunks of %i bytes', (size) => {
    const reader = new MessageReader(true);
    const messages = [];
    for (let at = 0; at < stream.length; at += size) messages.push(...reader.push(stream.subarray(at, at + size)));
    expect(messages.map((m) => [m.type, m.bytes.length])).toEqual([
      ['', 8],
      ['Q', 30],
      ['P', 50],
      ['B', 17],
      ['S', 5],
      ['D', 200_005],
    ]);
    expect(queryText(messages[1]!)).toBe('insert into t values (1)');
    expect(parseMessage(messages[2]!)).toEqual({ name: 'save', text: 'update runs set version = version + 1' });
    expect(boundStatement(messages[3]!)).toBe('save');
  });

  it('writes an error and a ready-for-query that it reads back', () => {
    const [error, ready] = new MessageReader(false).push(Buffer.concat([errorResponse('40001', 'could not serialize'), readyForQuery('I')]));
    expect(error!.type).toBe('E');
    expect(error!.body.toString()).toContain('C40001\0');
    expect(ready!.type).toBe('Z');
    expect(ready!.body.toString()).toBe('I');
  });
});
