/**
 * E-mail address lists as people write them: `Anna Lin <anna@shop.example>, orders@shop.example`,
 * `"Lin, Anna" <anna@shop.example>; ops@shop.example`, or a list of such entries (from an
 * expression). Browser-safe: the definition checks addresses with it when a workflow is
 * saved, and run.ts splits them the same way before sending.
 */

/** One recipient or sender: the address, and the display name written before it, if any. */
export interface Mailbox {
  name?: string;
  address: string;
}

/** One entry of a list, parsed; or, when it is no address, the entry as it was written. */
export type ParsedEntry = { ok: true; mailbox: Mailbox } | { ok: false; written: string };

// The address a person types: zod's `z.email()` rule, with top-level domains in their
// ASCII form allowed too (.xn--kpry57d is .台灣), since other scripts are checked as they travel.
const ADDRESS = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+\-]@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,}|xn--[A-Za-z0-9\-]+)$/;
const MAX_ADDRESS = 254;

/** The ASCII form of a domain (punycode), or undefined when it is no host name at all. */
function asciiDomain(domain: string): string | undefined {
  if (/^[!-~]*$/.test(domain)) return domain;
  // Only letters of other scripts may join the ASCII ones a host name has (a URL would drop a ":25").
  if (/[^\u0080-\u{10ffff}A-Za-z0-9.-]/u.test(domain)) return undefined;
  const url = `http://${domain}/`;
  return URL.canParse(url) ? new URL(url).hostname : undefined;
}

/** The domain of a checked address in the form it travels in (例子.台灣 → xn--fsqu00a.xn--kpry57d). */
export function asciiDomainOf(address: string): string {
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return (asciiDomain(domain) ?? domain).toLowerCase();
}

/** Whether `address` (no display name) is an e-mail address one can send to. */
export function isAddress(address: string): boolean {
  if (address.length > MAX_ADDRESS) return false;
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  const domain = asciiDomain(address.slice(at + 1));
  return domain !== undefined && ADDRESS.test(`${address.slice(0, at)}@${domain}`);
}

/**
 * Splits a list at commas and semicolons that are not inside quotes or angle brackets
 * (`"Lin, Anna" <anna@shop.example>` is one entry). Empty entries (a trailing comma) are dropped.
 */
function splitList(text: string): string[] {
  const entries: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\' && quoted && i + 1 < text.length) {
      current += char + text[++i];
      continue;
    }
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === '<') angle = true;
    else if (!quoted && char === '>') angle = false;
    if ((char === ',' || char === ';') && !quoted && !angle) {
      entries.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  entries.push(current);
  return entries.map((entry) => entry.trim()).filter((entry) => entry !== '');
}

/** `Anna Lin <anna@shop.example>`, `"Lin, Anna" <anna@…>`, `<anna@…>` or `anna@…`. */
function parseEntry(written: string): ParsedEntry {
  const bracketed = /^(.*?)\s*<([^<>]*)>$/s.exec(written);
  if (!bracketed) {
    return isAddress(written) ? { ok: true, mailbox: { address: written } } : { ok: false, written };
  }
  const address = bracketed[2]!.trim();
  let name = bracketed[1]!.trim();
  if (/^".*"$/s.test(name)) name = name.slice(1, -1).replace(/\\(.)/g, '$1');
  // A name with a line break would let the text start a header of its own.
  if (!isAddress(address) || /[\r\n<>]/.test(name)) return { ok: false, written };
  return { ok: true, mailbox: name === '' ? { address } : { name, address } };
}

/** Every entry of a list given as text (commas or semicolons between) or as a list of texts. */
export function parseAddressList(value: string | readonly string[]): ParsedEntry[] {
  const texts = typeof value === 'string' ? [value] : value;
  return texts.flatMap((text) => splitList(text)).map(parseEntry);
}

/** The entries as they are written, for a message: up to `max`, then "…". */
export function quoteEntries(entries: readonly string[], max = 3): string {
  const shown = entries.slice(0, max).map((entry) => `"${entry.length > 80 ? `${entry.slice(0, 80)}…` : entry}"`);
  return entries.length > max ? `${shown.join(', ')} …` : shown.join(', ');
}
