import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from '../api/client.ts';
import { catalogue, validateWorkflow } from '@junction/nodes';
import { ErrorBox, messageOf } from '../ui/feedback.tsx';
import { i18n } from './index.ts';
import { describeError, fieldError, issueSentence, plainIssue } from './problems.ts';

/** zod's own message for `value` against `schema`, as the server and the editor's check write it. */
function zodSays(schema: z.ZodType, value: unknown): string {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected a problem');
  return result.error.issues[0]!.message;
}

afterEach(async () => {
  await i18n.changeLanguage('en');
});

describe('field problems in plain words', () => {
  // Real zod messages, so a zod upgrade that rewords them fails here instead of showing raw text.
  const cases: [string, z.ZodType, unknown, string, string][] = [
    ['missing text', z.object({ url: z.string() }), {}, 'Required', '必填'],
    ['text of a number', z.string(), 4, 'Enter text', '請輸入文字'],
    ['a word for a number', z.number(), 'ten', 'Enter a number', '請輸入數字'],
    ['a fraction for a whole number', z.number().int(), 1.5, 'Enter a whole number', '請輸入整數'],
    ['a word for true/false', z.boolean(), 'yes', 'Choose true or false', '請選擇是或否'],
    ['empty text', z.string().min(1), '', 'At least 1 character', '至少 1 個字元'],
    ['short text', z.string().min(8), 'abc', 'At least 8 characters', '至少 8 個字元'],
    ['long text', z.string().max(3), 'abcd', 'At most 3 characters', '最多 3 個字元'],
    ['a number below', z.number().min(1), 0, 'At least 1', '至少 1'],
    ['a positive number', z.number().positive(), 0, 'More than 0', '必須大於 0'],
    ['a number above', z.number().max(300), 301, 'At most 300', '最多 300'],
    ['a big number above', z.number().max(86_400), 90_000, 'At most 86,400', '最多 86,400'],
    ['an empty list', z.array(z.string()).min(1), [], 'At least 1 entry', '至少 1 筆'],
    ['a choice', z.enum(['GET', 'POST', 'PUT']), 'FETCH', 'Must be one of: GET, POST, PUT', '必須是下列其中之一：GET、POST、PUT'],
    ['a fixed value', z.literal('main'), 'side', 'Must be main', '必須是 main'],
    ['an address', z.url(), 'shop', 'Enter a full web address, e.g. https://shop.example.com', '請輸入完整的網址，例如 https://shop.example.com'],
    ['an e-mail', z.email(), 'nobody', 'Enter an e-mail address', '請輸入電子郵件地址'],
    ['a pattern', z.string().regex(/^[a-z]+$/), 'A1', 'Not in the expected form', '格式不正確'],
    ['an unknown field', z.object({}).strict(), { colour: 1 }, 'Not a known field: colour', '不認得的欄位：colour'],
    ['a list', z.array(z.string()), 'a', 'Must be a list', '必須是清單'],
  ];

  it.each(cases)('%s', async (_, schema, value, english, chinese) => {
    const message = zodSays(schema, value);
    expect(plainIssue(message)).toBe(english);
    await i18n.changeLanguage('zh-TW');
    expect(plainIssue(message)).toBe(chinese);
  });

  it('keeps the field the server names, and sentences it has no words for', () => {
    expect(plainIssue('data.port: Invalid input: expected number, received string')).toBe('data.port: Enter a number');
    expect(plainIssue('The ERP says no')).toBe('The ERP says no');
  });

  it('translates the checks the workflow, field paths and credential types write in their own words, what varies kept', async () => {
    await i18n.changeLanguage('zh-TW');
    expect(plainIssue('data.host: Give the server name or address')).toBe('data.host: 請填寫伺服器名稱或位址');
    expect(plainIssue('data.name: Not a valid header name')).toBe('data.name: 不是有效的標頭名稱');
    expect(plainIssue('Give the field a name')).toBe('請填寫欄位名稱');
    expect(plainIssue('"a..b" has an empty part between dots; write it like "customer.tier"')).toBe('「a..b」的兩個點之間是空的；請寫成像「customer.tier」這樣');
    expect(plainIssue('The request body is not valid: format: This is not a Junction workflow file (its "format" must be "junction-workflow")')).toBe(
      'The request body is not valid: format: 這不是 Junction 的工作流程檔案（它的「format」必須是「junction-workflow」）',
    );
  });

  it('tells a node type\'s own check in its words, by key and values, never by its English sentence', async () => {
    const http = (key: string, params: Record<string, string | number> = {}) => ({ code: 'invalid_params', message: 'The node\'s English', i18n: { key: `connector.http.${key}`, params } });
    expect(issueSentence(http('bodyNotAllowed', { method: 'GET' }))).toBe('A GET request cannot have a body');
    await i18n.changeLanguage('zh-TW');
    expect(issueSentence(http('fullAddress'))).toBe('請輸入以 http:// 或 https:// 開頭的完整網址');
    expect(issueSentence(http('bodyNotAllowed', { method: 'HEAD' }))).toBe('HEAD 請求不能有內容');
    expect(issueSentence(http('noSuchPort', { port: '70000' }))).toBe('連接埠 70000 不存在：連接埠的範圍是 1 到 65535');
    expect(issueSentence({ code: 'invalid_params', message: 'x', i18n: { key: 'logic.if.notARegex', params: { reason: 'Unterminated group' } } })).toBe('不是有效的正規表示式：Unterminated group');
    // A node type this editor has no words for: the server's sentence.
    expect(issueSentence({ code: 'invalid_params', message: 'Give the SKU', i18n: { key: 'connector.erp.sku', params: {} } })).toBe('Give the SKU');
    // The English sentence alone is not recognised: a node's message is told by its key.
    expect(plainIssue('A GET request cannot have a body')).toBe('A GET request cannot have a body');
    // …except where the key was lost on the way: a failed step's record of params filled in at run time.
    expect(plainIssue('url: Give a full address starting with http:// or https://', { nodeMessages: true })).toBe('url: 請輸入以 http:// 或 https:// 開頭的完整網址');
  });

  it('tells the checks of every node type in the catalogue by key, as the validator reports them', async () => {
    const graph = {
      nodes: [
        { id: 't', type: 'trigger.webhook', name: 'Order', params: { path: 'a b', auth: { kind: 'hmac' } }, position: [0, 0] },
        { id: 'c', type: 'code.javascript', name: 'Score', params: { code: '' }, position: [1, 0] },
        { id: 'i', type: 'logic.if', name: 'Big?', params: { conditions: [] }, position: [2, 0] },
        { id: 'h', type: 'connector.http', name: 'ERP', params: { url: 'https://u:p@erp.example', headers: [{ name: '', value: 'x' }] }, position: [3, 0] },
      ],
      edges: [],
    };
    const result = validateWorkflow(graph, catalogue);
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : result.issues;
    expect(issues.map((issue) => issue.i18n?.key)).toEqual([
      'trigger.webhook.pathCharacters',
      'trigger.webhook.chooseCredential',
      'code.javascript.writeCode',
      'logic.if.oneCondition',
      'connector.http.passwordInAddress',
      'connector.http.nameEmpty',
    ]);
    await i18n.changeLanguage('zh-TW');
    expect(issues.map(issueSentence)).toEqual([
      '路徑只能包含英文字母、數字、「-」、「_」，以及分隔各段的「/」',
      '請選擇 hmac 驗證要用來檢查的憑證',
      '請寫一些 JavaScript',
      '請至少新增一個條件',
      '請把使用者名稱和密碼放在 Basic 驗證憑證裡，不要寫在網址中（user:password@）',
      '名稱是空的',
    ]);
  });

  it('has words for every check message the workflow, credential types and the API\'s requests write', async () => {
    const sources = import.meta.glob(
      ['../../../nodes/src/**/*.ts', '../../../server/src/api/*.ts', '../../../server/src/auth/*.ts', '!**/*.test.ts', '!**/workflow/validate.ts', '!**/api/errors.ts'],
      { query: '?raw', import: 'default', eager: true },
    ) as Record<string, string>;
    const said = new Set<string>();
    for (const text of Object.values(sources)) {
      const flat = text.replace(/\s+/g, ' ');
      for (const m of flat.matchAll(/\.(?:min|max|regex|refine)\((?:[^()]|\([^()]*\))*?, ?'([^']+)',? ?\)/g)) said.add(m[1]!);
      // zod's options (`{ message: … }`) and refinements (`code: 'custom', …, message: …`); an issue the API
      // composes (`code: 'not_found', message: …`) is an error code's, translated as such.
      // `A ${params.method} request cannot have a body`: something in place of what varies.
      const varies = (message: string) => message.replace(/\$\{[^}]+\}/g, '12');
      for (const m of flat.matchAll(/(?:\{ ?|code: 'custom',[^}]*?)message: (?:'([^']+)'|`([^`]+)`)/g)) said.add(m[1] ?? varies(m[2]!));
      for (const m of flat.matchAll(/\.(?:min|max)\([\w.]+, ?`([^`]+)`\)/g)) said.add(varies(m[1]!));
      // A check that explains itself (`{ ok: false, reason: … }`), which a refinement then reports.
      for (const m of flat.matchAll(/ok: false, reason: (?:'([^']+)'|`([^`]+)`)/g)) said.add(m[1] ?? varies(m[2]!));
    }
    expect(said.size).toBeGreaterThan(30);
    expect(said).toContain('Not a valid header name');
    expect(said).toContain('A password needs at least 12 characters');
    expect(said).toContain('Give the field a name');
    await i18n.changeLanguage('zh-TW');
    expect([...said].filter((message) => plainIssue(message) === message)).toEqual([]);
  });
});

describe('API errors in the reader’s language', () => {
  const unstorable = new ApiError(400, 'unstorable_text', 'The request body holds a character that cannot be stored — a NUL (\\u0000) — at character 12 of its JSON; remove it');

  it('translates a known code and keeps the server’s specifics as detail', async () => {
    await i18n.changeLanguage('zh-TW');
    expect(describeError(unstorable)).toEqual({
      message: '文字中含有無法儲存的字元（NUL 或不完整的表情符號），請移除後再試一次。',
      detail: unstorable.message,
    });
    const forbidden = new ApiError(403, 'forbidden', 'This credential may only be tested against api.shop.example');
    expect(messageOf(forbidden)).toBe('您的角色無法進行這個操作。（This credential may only be tested against api.shop.example）');
    // A code whose server sentence says nothing more is shown without it.
    expect(describeError(new ApiError(500, 'internal_error', 'Something went wrong on the server; the details are in its log'))).toEqual({ message: '伺服器發生錯誤。請再試一次；如果一直發生，請通知系統管理員。' });
  });

  it('shows the server’s words for a code it does not know, and plain errors as they are', async () => {
    await i18n.changeLanguage('zh-TW');
    expect(describeError(new ApiError(418, 'teapot_busy', 'The teapot is busy'))).toEqual({ message: 'The teapot is busy' });
    expect(describeError(new Error('boom'))).toEqual({ message: 'boom' });
  });

  it('puts plain words on a field the server named', async () => {
    const invalid = new ApiError(400, 'invalid_request', 'The request body is not valid: name: Too small: expected string to have >=1 characters', {
      path: 'name',
      issues: [{ code: 'invalid_request', path: 'name', message: 'name: Too small: expected string to have >=1 characters' }],
    });
    expect(fieldError(invalid, 'name')).toBe('At least 1 character');
    expect(fieldError(invalid, 'email')).toBeUndefined();
    await i18n.changeLanguage('zh-TW');
    expect(fieldError(invalid, 'name')).toBe('至少 1 個字元');
    expect(fieldError(new Error('not from the server'), 'name')).toBeUndefined();
  });

  it('says what an issue of a graph is about, with the server’s sentence naming the nodes', async () => {
    await i18n.changeLanguage('zh-TW');
    expect(issueSentence({ code: 'duplicate_node_name', message: 'Two nodes are named "Fetch"; give each node its own name' })).toBe(
      '有兩個節點名稱相同，請為每個節點取不同的名稱。（Two nodes are named "Fetch"; give each node its own name）',
    );
    expect(issueSentence({ code: 'invalid_params', message: 'Invalid input: expected string, received undefined' })).toBe('必填');
  });

  it('shows the translation in an error box, the server’s words beneath', async () => {
    await i18n.changeLanguage('zh-TW');
    render(<ErrorBox error={unstorable} />);
    expect(screen.getByRole('alert').textContent).toContain('文字中含有無法儲存的字元');
    expect(screen.getByText(unstorable.message).className).toBe('error-detail');
  });
});
