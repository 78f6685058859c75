import { NODE_LANGUAGES } from '@junction/nodes/words';
import { describe, expect, it } from 'vitest';
import { AuditDetails } from '@junction/nodes';
import { AUDIT_ACTIONS, AUDIT_RESOURCE_TYPES, AUDIT_VIA, CAPABILITIES, ERROR_CODES, ROLES, RUN_STATUSES, SIGN_IN_FAILURES, STEP_STATUSES } from '@junction/nodes/vocabulary';
import type { JsonSchema } from '../api/types.ts';
import { nodeTypes } from '../testing/fixtures.ts';
import { en } from './en.ts';
import { formattersFor } from './format.ts';
import { i18n, initialLanguage, LANGUAGES } from './index.ts';
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

  it('writes Traditional Chinese to the reader as 您, with full-width punctuation between Chinese words', () => {
    const chinese = leaves(zhTW);
    expect(chinese.filter(([, text]) => text.includes('你')).map(([key]) => key)).toEqual([]);
    // An ASCII comma, colon, semicolon or parenthesis touching Chinese on both sides (spaces or a placeholder between allowed).
    const cjk = '[\\p{Script=Han}，。、：；）（「」]';
    const ascii = new RegExp(`${cjk}\\s*(?:\\{\\{[^}]*\\}\\}\\s*)?[,:;()]\\s*(?:\\{\\{[^}]*\\}\\}\\s*)?${cjk}`, 'u');
    expect(chinese.filter(([, text]) => ascii.test(text)).map(([key, text]) => `${key}: ${text}`)).toEqual([]);
    expect(ascii.test('已儲存, 第一版')).toBe(true);
    expect(ascii.test('類型:{{name}} 憑證')).toBe(true);
  });

  it('has a sentence in both languages for every error code the API sends, and the client’s own', () => {
    // `network` and `http_error`: the server could not be reached, or answered with something not Junction's.
    const codes = [...ERROR_CODES, 'network', 'http_error'];
    const missing = (messages: object) => codes.filter((code) => !(code in (messages as { apiErrors: object }).apiErrors));
    expect(missing(en)).toEqual([]);
    expect(missing(zhTW)).toEqual([]);
  });

  it('names every action, resource, detail, sign-in failure and origin the audit log records, in both languages', () => {
    const unnamed = (messages: object) => {
      const words = messages as Record<'auditActions' | 'auditResources' | 'auditDetails' | 'auditReasons' | 'auditVia', object>;
      return [
        ...AUDIT_ACTIONS.filter((action) => !(action.replace('.', '_') in words.auditActions)),
        ...AUDIT_RESOURCE_TYPES.filter((resource) => !(resource in words.auditResources)),
        ...Object.keys(AuditDetails.shape).filter((key) => !(key in words.auditDetails)),
        ...SIGN_IN_FAILURES.filter((reason) => !(reason in words.auditReasons)),
        ...AUDIT_VIA.filter((via) => !(via in words.auditVia)),
      ];
    };
    expect(unnamed(en)).toEqual([]);
    expect(unnamed(zhTW)).toEqual([]);
  });

  it('names every status, role and capability, in both languages', async () => {
    const keys = [
      ...[...RUN_STATUSES, ...STEP_STATUSES].map((status) => `status.${status}`),
      ...ROLES.flatMap((role) => [`roles.${role}`, `roleHelp.${role}`]),
      ...CAPABILITIES.map((capability) => `capabilities.${capability}`),
    ];
    for (const language of ['en', 'zh-TW']) expect(keys.filter((key) => !i18n.exists(key, { lng: language }))).toEqual([]);
  });

  it('has every node type\'s words, from its folder, in exactly the languages the editor speaks', () => {
    expect([...NODE_LANGUAGES].sort()).toEqual(LANGUAGES.map((language) => language.code).sort());
    for (const { code } of LANGUAGES) {
      for (const type of nodeTypes) expect(i18n.exists(`nodeTypes.${type.type}.label`, { lng: code }), `${code} ${type.type}`).toBe(true);
    }
    expect(i18n.t('nodeTypes.connector.http.params.url.label', { lng: 'zh-TW' })).toBe('網址');
    expect(i18n.t('nodeCategories.connector', { lng: 'zh-TW' })).toBe('串接');
  });

  it('labels every choice a node type offers, so a select never shows a code (HTTP methods are their own names)', () => {
    const choices: string[] = [];
    const walk = (type: string, schema: JsonSchema | undefined, name = '') => {
      if (!schema) return;
      if (schema.enum && name !== 'method') for (const value of schema.enum) choices.push(`${type}.options.${name}.${String(value)}`);
      const members = schema.oneOf ?? schema.anyOf ?? [];
      for (const member of members) {
        for (const [key, property] of Object.entries(member.properties ?? {})) if (property.const !== undefined) choices.push(`${type}.options.${key}.${String(property.const)}`);
        walk(type, member);
      }
      for (const [key, property] of Object.entries(schema.properties ?? {})) walk(type, property, key);
      walk(type, schema.items, name);
    };
    // The webhook's `auth` is drawn by inspector/webhook.tsx, in words of its own (webhookAuth).
    const drawnApart = new Set(['trigger.webhook.auth']);
    for (const type of nodeTypes) {
      for (const [key, property] of Object.entries(type.params.properties ?? {})) if (!drawnApart.has(`${type.type}.${key}`)) walk(type.type, property, key);
    }
    expect(choices).toContain('logic.if.options.op.notEquals');
    const unlabelled = (language: string) => choices.filter((key) => !i18n.exists(`nodeTypes.${key}`, { lng: language }));
    expect(unlabelled('en')).toEqual([]);
    expect(unlabelled('zh-TW')).toEqual([]);
  });

  it('picks the saved language, else Traditional Chinese for zh-TW/zh-HK/zh-Hant browsers, else English', () => {
    expect(initialLanguage('zh-TW', ['en-US'])).toBe('zh-TW');
    expect(initialLanguage(null, ['zh-Hant-TW'])).toBe('zh-TW');
    expect(initialLanguage(null, ['zh-HK', 'en'])).toBe('zh-TW');
    expect(initialLanguage(null, ['pl-PL', 'en-GB'])).toBe('en');
    expect(initialLanguage('fr', [])).toBe('en');
  });

  it('keeps {{ $json… }} in help texts as written, and counts in plurals', async () => {
    expect(i18n.t('nodeTypes.logic.if.params.left.help')).toContain('{{ $json.total }}');
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
