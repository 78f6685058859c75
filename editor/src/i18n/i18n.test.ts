import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { formattersFor } from './format.ts';
import { i18n, initialLanguage } from './index.ts';
import { humanize } from './node-types.ts';
import { zhTW } from './zh-TW.ts';

function leaves(value: object, prefix = ''): [string, string][] {
  return Object.entries(value).flatMap(([key, inner]) =>
    typeof inner === 'string' ? [[`${prefix}${key}`, inner] as [string, string]] : leaves(inner as object, `${prefix}${key}.`),
  );
}

describe('languages', () => {
  it('has every English message in Traditional Chinese, translated, with the same placeholders', () => {
    const english = new Map(leaves(en));
    const chinese = new Map(leaves(zhTW));
    expect([...chinese.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of chinese) {
      expect(text.trim(), key).not.toBe('');
      const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
      expect(placeholders(text), key).toEqual(placeholders(english.get(key)!));
    }
    const same = [...chinese].filter(([key, text]) => text === english.get(key) && /[a-z]{4}/i.test(text));
    // Only names that stay as they are (Webhook, JSON, URL-like words) may be equal.
    expect(same.map(([key]) => key).every((key) => /webhook|json|\.label$/i.test(key))).toBe(true);
  });

  it('has every message the code asks for by name (t("…")), in English and so in Chinese', () => {
    const sources = import.meta.glob(['../**/*.ts', '../**/*.tsx', '!../**/*.test.*', '!./*'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
    const asked = new Set(Object.values(sources).flatMap((text) => [...text.matchAll(/\bt\('([\w.:-]+)'/g)].map((m) => m[1]!)));
    expect(asked.size).toBeGreaterThan(300);
    const missing = [...asked].filter((key) => !i18n.exists(key, { lng: 'en' }) && !i18n.exists(`${key}_other`, { lng: 'en' }));
    expect(missing).toEqual([]);
  });

  it('picks the saved language, else Traditional Chinese for zh-TW/zh-HK/zh-Hant browsers, else English', () => {
    expect(initialLanguage('zh-TW', ['en-US'])).toBe('zh-TW');
    expect(initialLanguage(null, ['zh-Hant-TW'])).toBe('zh-TW');
    expect(initialLanguage(null, ['zh-HK', 'en'])).toBe('zh-TW');
    expect(initialLanguage(null, ['pl-PL', 'en-GB'])).toBe('en');
    expect(initialLanguage('fr', [])).toBe('en');
  });

  it('keeps {{ $json… }} in help texts as written, and counts in plurals', async () => {
    expect(i18n.t('nodeTypes.logic.if.fields.left.help')).toContain('{{ $json.total }}');
    expect(i18n.t('run.items', { count: 1 })).toBe('1 item');
    expect(i18n.t('run.items', { count: 3 })).toBe('3 items');
    await i18n.changeLanguage('zh-TW');
    expect(i18n.t('run.items', { count: 3 })).toBe('3 筆項目');
    expect(i18n.t('status.failed')).toBe('失敗');
    await i18n.changeLanguage('en');
  });

  it('formats dates and numbers per locale', () => {
    const when = '2026-11-25T08:30:00Z';
    expect(formattersFor('zh-TW').dateTime(when)).toMatch(/2026年11月25日/);
    expect(formattersFor('en').number(1234567.5)).toBe('1,234,567.5');
    expect(formattersFor('en', () => Date.parse(when) + 120_000).relative(when)).toBe('2 minutes ago');
    expect(formattersFor('en').duration('2026-11-25T08:30:00Z', '2026-11-25T08:30:01.500Z')).toBe('1.5 s');
  });

  it('names fields that have no translation from their property', () => {
    expect(humanize('timeoutSeconds')).toBe('Timeout seconds');
    expect(humanize('send_idempotency_key')).toBe('Send idempotency key');
  });
});
