/**
 * Which addresses steps and credential tests may connect to. Glossary:
 *
 * - outbound connection: one that Junction opens to another system on a workflow's
 *   behalf (an HTTP call, a poll, a database, an SMTP server, a credential's test).
 * - refused range: addresses that reach this server or the network it stands in
 *   (loopback, private, link-local with the cloud metadata service, ...): refused unless
 *   an administrator allows them, so that whoever edits a workflow cannot use Junction to
 *   read internal admin pages or cloud credentials, or to scan ports.
 * - allow / deny: the settings JUNCTION_OUTBOUND_ALLOW and JUNCTION_OUTBOUND_DENY, each a
 *   comma-separated list of CIDRs, addresses and host names (`*.corp.example` for every
 *   name under it). Deny wins over allow; allow wins over the refused ranges.
 *
 * The check is made on the address a connection actually goes to, after the host name
 * was resolved (connect.ts), never on the name alone: a name can resolve anywhere.
 */
import ipaddr from 'ipaddr.js';
import type { z } from 'zod';
import type { OutboundRefusal } from '../contract/credentials.ts';
import { NonRetriableError } from '../sdk/errors.ts';
import { fillMessage } from '../sdk/words.ts';
import { words } from './refusal-words.en.ts';
import { refusalParams } from './refusal-words.ts';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Address, number];

/**
 * Where a refused connection was going and why: the details a step error and a test
 * result carry (declared once, in the API's contract). `host` as the connection named it,
 * `address` what it resolved to; `reason` a refused range, `denied` (by an entry of
 * JUNCTION_OUTBOUND_DENY, `rule`) or `localSocket`; each the key of its message in words.*.ts.
 */
export type Refusal = z.infer<typeof OutboundRefusal>;

/** Why an address is refused by default. */
export type RefusedRange = Exclude<Refusal['reason'], 'denied' | 'localSocket'>;

/** The ranges refused unless allowed, with the reason each gives. */
const REFUSED_RANGES: readonly (readonly [string, RefusedRange])[] = [
  ['127.0.0.0/8', 'loopback'],
  ['::1/128', 'loopback'],
  ['0.0.0.0/8', 'unspecified'],
  ['::/128', 'unspecified'],
  ['169.254.0.0/16', 'linkLocal'],
  ['fe80::/10', 'linkLocal'],
  ['10.0.0.0/8', 'private'],
  ['172.16.0.0/12', 'private'],
  ['192.168.0.0/16', 'private'],
  ['100.64.0.0/10', 'sharedAddress'],
  ['fc00::/7', 'uniqueLocal'],
  // Deprecated site-local IPv6: private networks of old.
  ['fec0::/10', 'uniqueLocal'],
  ['192.0.0.0/24', 'reserved'],
  ['198.18.0.0/15', 'reserved'],
  ['224.0.0.0/4', 'reserved'],
  ['240.0.0.0/4', 'reserved'],
  ['ff00::/8', 'reserved'],
];
const REFUSED: readonly (readonly [Cidr, RefusedRange])[] = REFUSED_RANGES.map(([cidr, range]) => [ipaddr.parseCIDR(cidr), range] as const);

/** IPv6 ranges that carry an IPv4 address inside, and where: that address is checked too. */
const EMBEDDING: readonly (readonly [Cidr, number])[] = [
  [ipaddr.parseCIDR('::ffff:0:0/96'), 12], // IPv4-mapped
  [ipaddr.parseCIDR('::/96'), 12], // IPv4-compatible (deprecated)
  [ipaddr.parseCIDR('64:ff9b::/96'), 12], // NAT64
  [ipaddr.parseCIDR('64:ff9b:1::/48'), 12], // local NAT64
  [ipaddr.parseCIDR('2002::/16'), 2], // 6to4
];

/** `address` and the IPv4 address it carries, if any: every form a connection to it may reach. */
function formsOf(address: Address): Address[] {
  if (address.kind() === 'ipv4') return [address];
  const v6 = address as ipaddr.IPv6;
  for (const [cidr, offset] of EMBEDDING) {
    if (!v6.match(cidr)) continue;
    // `::1` and `::` also read as 0.0.0.1 and 0.0.0.0: refused either way, as their own IPv6 kind first.
    return [address, ipaddr.fromByteArray(v6.toByteArray().slice(offset, offset + 4))];
  }
  return [address];
}

const inCidr = (address: Address, [range, bits]: Cidr) => address.kind() === range.kind() && address.match(range, bits);

/** One entry of an allow or deny setting. */
type Rule = { kind: 'cidr'; cidr: Cidr; text: string } | { kind: 'host'; name: string; wildcard: boolean; text: string };

/** A host name, or `*.` and the name under which every host is meant (entries of digits and dots are read as addresses). */
const HOST_NAME = /^(\*\.)?[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/**
 * The entries of an allow or deny setting: `10.0.0.0/8`, `192.168.1.20`, `fd00::/8`,
 * `erp.internal`, `*.corp.example`. Throws an Error naming the setting and the entry that
 * is none of these.
 *
 * @example parseOutboundRules('10.20.0.0/16, erp.internal', 'JUNCTION_OUTBOUND_ALLOW')
 */
export function parseOutboundRules(text: string | undefined, setting: string): Rule[] {
  const rules: Rule[] = [];
  for (const raw of (text ?? '').split(',')) {
    const entry = raw.trim().toLowerCase().replace(/\.$/, '');
    if (entry === '') continue;
    const unbracketed = entry.replace(/^\[(.*)\](\/\d+)?$/, '$1$2');
    // Addresses in their usual spelling only: "10" or "127.1" in a setting is a slip, not a wish.
    const looksLikeAddress = /^[\d./]+$/.test(unbracketed) || /^[\da-f:.]*:[\da-f:.]*(\/[\d]*)?$/.test(unbracketed);
    if (looksLikeAddress) {
      const [addressText, bits] = unbracketed.split('/') as [string, string | undefined];
      const usual = addressText.includes(':') ? ipaddr.IPv6.isValid(addressText) : ipaddr.IPv4.isValidFourPartDecimal(addressText);
      if (!usual) throw new Error(`${setting}: "${raw.trim()}" is not an IP address or CIDR (write e.g. 10.0.0.0/8, 192.168.1.20 or fd00::/8)`);
      const address = ipaddr.parse(addressText);
      const max = address.kind() === 'ipv4' ? 32 : 128;
      if (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max)) {
        throw new Error(`${setting}: "${raw.trim()}" has a prefix length that is not 0 to ${max}`);
      }
      rules.push({ kind: 'cidr', cidr: [address, bits === undefined ? max : Number(bits)], text: raw.trim() });
      continue;
    }
    if (!HOST_NAME.test(entry)) {
      throw new Error(`${setting}: "${raw.trim()}" is not a host name, IP address or CIDR (write e.g. erp.internal, *.corp.example or 10.0.0.0/8)`);
    }
    const wildcard = entry.startsWith('*.');
    rules.push({ kind: 'host', name: wildcard ? entry.slice(1) : entry, wildcard, text: raw.trim() });
  }
  return rules;
}

/**
 * A connection the outbound policy refused. Not worth retrying: only a change of the
 * address or of the settings helps. `details.outbound` says what was refused; the
 * editor shows it in the reader's language from it (`details.i18n`).
 */
export class OutboundRefusedError extends NonRetriableError {
  override name = 'OutboundRefusedError';
  readonly refusal: Refusal;
  /** Set when a redirect led here: the host that redirected. */
  readonly redirectedFrom: string | undefined;

  constructor(refusal: Refusal, options: { redirectedFrom?: string; cause?: unknown; details?: Record<string, unknown> } = {}) {
    const params = refusalParams(refusal);
    const said = fillMessage(words[refusal.reason], params);
    const message = options.redirectedFrom ? fillMessage(words.redirected, { from: options.redirectedFrom, to: refusal.host, refusal: said }) : said;
    super(message, {
      cause: options.cause,
      details: {
        ...options.details,
        outbound: { ...refusal, ...(options.redirectedFrom ? { redirectedFrom: options.redirectedFrom } : {}) },
        i18n: { key: `outbound.${refusal.reason}`, params },
      },
    });
    this.refusal = refusal;
    this.redirectedFrom = options.redirectedFrom;
  }
}

/** The settings of an outbound policy, as the environment gives them. */
export interface OutboundSettings {
  /** JUNCTION_OUTBOUND_ALLOW: CIDRs, addresses and host names reached even in the refused ranges. */
  allow?: string;
  /** JUNCTION_OUTBOUND_DENY: CIDRs, addresses and host names never reached. */
  deny?: string;
}

const normalHost = (host: string) => host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');

export class OutboundPolicy {
  private readonly allow: Rule[];
  private readonly deny: Rule[];

  constructor(settings: OutboundSettings = {}) {
    this.allow = parseOutboundRules(settings.allow, 'JUNCTION_OUTBOUND_ALLOW');
    this.deny = parseOutboundRules(settings.deny, 'JUNCTION_OUTBOUND_DENY');
  }

  private static hostRule(rules: Rule[], host: string): Rule | undefined {
    return rules.find((rule) => rule.kind === 'host' && (rule.wildcard ? host.endsWith(rule.name) : host === rule.name));
  }

  private static addressRule(rules: Rule[], forms: Address[]): Rule | undefined {
    return rules.find((rule) => rule.kind === 'cidr' && forms.some((form) => inCidr(form, rule.cidr)));
  }

  /**
   * Why a connection to `host` at `address` is refused, or undefined when it may go.
   * `address` is what `host` resolved to (the same as `host` for an address written out);
   * an address that does not parse is refused as reserved, never let through.
   *
   * @example policy.check('metadata.internal', '169.254.169.254') // { reason: 'linkLocal', ... }
   */
  check(host: string, address: string): Refusal | undefined {
    const name = normalHost(host);
    const shown = normalHost(address);
    if (!ipaddr.isValid(shown)) return { host, address, reason: 'reserved' };
    const forms = formsOf(ipaddr.parse(shown));
    const denied = OutboundPolicy.hostRule(this.deny, name) ?? OutboundPolicy.addressRule(this.deny, forms);
    if (denied) return { host, address: shown, reason: 'denied', rule: denied.text };
    if (OutboundPolicy.hostRule(this.allow, name) ?? OutboundPolicy.addressRule(this.allow, forms)) return undefined;
    for (const form of forms) {
      const refused = REFUSED.find(([cidr]) => inCidr(form, cidr));
      if (refused) return { host, address: shown, reason: refused[1] };
    }
    return undefined;
  }

  /** Throws the OutboundRefusedError of `check`, if any. */
  assert(host: string, address: string): void {
    const refusal = this.check(host, address);
    if (refusal) throw new OutboundRefusedError(refusal);
  }
}
