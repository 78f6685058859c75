import { describe, expect, it } from 'vitest';
import { NonRetriableError } from '../sdk/errors.ts';
import { OutboundPolicy, OutboundRefusedError, parseOutboundRules } from './policy.ts';

const strict = new OutboundPolicy();
const reason = (policy: OutboundPolicy, host: string, address = host) => policy.check(host, address)?.reason;

describe('the default outbound policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['169.254.169.254', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.20', 'private'],
    ['100.64.0.1', 'sharedAddress'],
    ['100.127.255.254', 'sharedAddress'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['224.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
  ])('refuses %s (%s)', (address, why) => {
    expect(reason(strict, address)).toBe(why);
  });

  it.each([
    // IPv4-mapped and other IPv6 forms that carry an IPv4 address, and the odd spellings URL parsers and resolvers accept.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['[::ffff:127.0.0.1]', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::ffff:10.1.2.3', 'private'],
    ['64:ff9b::a9fe:a9fe', 'linkLocal'],
    ['2002:7f00:1::1', 'loopback'],
    ['127.1', 'loopback'],
    ['2130706433', 'loopback'],
    ['0x7f.1', 'loopback'],
    ['0177.0.0.1', 'loopback'],
    ['0x7f000001', 'loopback'],
    ['3232235777', 'private'],
  ])('refuses the form %s (%s)', (address, why) => {
    expect(reason(strict, address)).toBe(why);
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('lets a public address through: %s', (address) => {
    expect(strict.check(address, address)).toBeUndefined();
  });

  it('checks the address a name resolved to, not the name', () => {
    expect(strict.check('erp.shop.example', '10.1.2.3')).toEqual({ host: 'erp.shop.example', address: '10.1.2.3', reason: 'private' });
    expect(strict.check('localhost', '127.0.0.1')?.reason).toBe('loopback');
    expect(strict.check('api.shop.example', '93.184.215.14')).toBeUndefined();
  });

  it('refuses what is not an address at all rather than let it through', () => {
    expect(reason(strict, 'erp', 'not-an-address')).toBe('reserved');
  });
});

describe('JUNCTION_OUTBOUND_ALLOW and JUNCTION_OUTBOUND_DENY', () => {
  it('allow ranges, addresses and host names in the refused ranges, and nothing more', () => {
    const policy = new OutboundPolicy({ allow: '10.20.0.0/16, 192.168.1.20 ,erp.internal, *.corp.example, fd00::/8, [::1]' });
    expect(policy.check('10.20.3.4', '10.20.3.4')).toBeUndefined();
    expect(reason(policy, '10.21.0.1')).toBe('private');
    expect(policy.check('192.168.1.20', '192.168.1.20')).toBeUndefined();
    expect(reason(policy, '192.168.1.21')).toBe('private');
    // By name: whatever the name resolves to.
    expect(policy.check('erp.internal', '10.9.9.9')).toBeUndefined();
    expect(policy.check('ERP.Internal.', '10.9.9.9')).toBeUndefined();
    expect(policy.check('stock.corp.example', '172.16.0.5')).toBeUndefined();
    expect(reason(policy, 'corp.example', '172.16.0.5')).toBe('private');
    expect(reason(policy, 'evilcorp.example', '172.16.0.5')).toBe('private');
    expect(policy.check('fd00::5', 'fd00::5')).toBeUndefined();
    expect(policy.check('::1', '::1')).toBeUndefined();
    // An allowed address is allowed in its IPv4-mapped form too: the same destination.
    expect(policy.check('::ffff:10.20.0.9', '::ffff:10.20.0.9')).toBeUndefined();
    expect(reason(policy, '127.0.0.1')).toBe('loopback');
  });

  it('deny refuses public addresses and names, and wins over allow', () => {
    const policy = new OutboundPolicy({ allow: '10.0.0.0/8, erp.internal', deny: '10.0.0.5, 203.0.113.0/24, *.tracker.example, erp.internal' });
    expect(policy.check('10.0.0.4', '10.0.0.4')).toBeUndefined();
    expect(policy.check('10.0.0.5', '10.0.0.5')).toEqual({ host: '10.0.0.5', address: '10.0.0.5', reason: 'denied', rule: '10.0.0.5' });
    expect(policy.check('::ffff:10.0.0.5', '::ffff:10.0.0.5')?.reason).toBe('denied');
    expect(policy.check('shop.example', '203.0.113.9')).toMatchObject({ reason: 'denied', rule: '203.0.113.0/24' });
    expect(policy.check('a.tracker.example', '93.184.215.14')).toMatchObject({ reason: 'denied', rule: '*.tracker.example' });
    expect(policy.check('erp.internal', '10.3.3.3')).toMatchObject({ reason: 'denied', rule: 'erp.internal' });
  });

  it('refuses, at start, an entry that is none of these, naming the setting and the entry', () => {
    expect(() => parseOutboundRules('10.0.0.0/8, 10.0.0.0/33', 'JUNCTION_OUTBOUND_ALLOW')).toThrow('JUNCTION_OUTBOUND_ALLOW: "10.0.0.0/33" has a prefix length that is not 0 to 32');
    expect(() => parseOutboundRules('127.1', 'JUNCTION_OUTBOUND_ALLOW')).toThrow('JUNCTION_OUTBOUND_ALLOW: "127.1" is not an IP address or CIDR');
    expect(() => parseOutboundRules('http://erp.internal/', 'JUNCTION_OUTBOUND_DENY')).toThrow('JUNCTION_OUTBOUND_DENY: "http://erp.internal/" is not a host name, IP address or CIDR');
    expect(() => parseOutboundRules('fe80::/129', 'JUNCTION_OUTBOUND_DENY')).toThrow('not 0 to 128');
    expect(parseOutboundRules(' , ,', 'JUNCTION_OUTBOUND_ALLOW')).toEqual([]);
  });
});

describe('a refusal', () => {
  it('says which address, for which host, and which setting an administrator changes', () => {
    const error = new OutboundRefusedError({ host: 'erp.office', address: '192.168.1.20', reason: 'private' });
    expect(error).toBeInstanceOf(NonRetriableError);
    expect(error.message).toBe(
      'Junction does not connect to erp.office (192.168.1.20): that is an address of a private network (10.x, 172.16–31.x, 192.168.x), inside a company network. If workflows should reach this system (an ERP on the office network), an administrator can add erp.office to the setting JUNCTION_OUTBOUND_ALLOW.',
    );
    expect(error.details).toEqual({
      outbound: { host: 'erp.office', address: '192.168.1.20', reason: 'private' },
      i18n: { key: 'outbound.private', params: { target: 'erp.office (192.168.1.20)', entry: 'erp.office', rule: '' } },
    });
    const denied = new OutboundRefusedError({ host: '10.0.0.5', address: '10.0.0.5', reason: 'denied', rule: '10.0.0.0/24' }, { redirectedFrom: 'api.shop.example' });
    expect(denied.message).toBe('api.shop.example redirected to 10.0.0.5, and Junction does not connect to 10.0.0.5: the setting JUNCTION_OUTBOUND_DENY refuses it (10.0.0.0/24). An administrator can change that setting.');
  });
});
