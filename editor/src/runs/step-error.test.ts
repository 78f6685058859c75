import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n/index.ts';
import { OutboundRefusedError } from '@junction/nodes/outbound';
import { stepErrorText } from './step-error.ts';

afterEach(async () => {
  await i18n.changeLanguage('en');
});

// Sentences as server/src/runtime (params.ts, sandbox-scope.ts) and nodes/src/sdk/errors.ts write them.
describe('a failed step’s error in the reader’s language', () => {
  it('translates where the runtime says the failure is, and keeps what the remote system or JavaScript said', async () => {
    await i18n.changeLanguage('zh-TW');
    expect(stepErrorText('Node "HTTP request", parameter url: {{ $json.order.id }} failed: TypeError: Cannot read properties of undefined (reading \'id\')')).toBe(
      '節點「HTTP request」，參數 url：{{ $json.order.id }} 執行失敗：TypeError: Cannot read properties of undefined (reading \'id\')',
    );
    expect(stepErrorText('Node "Call ERP": The server answered 502 Bad Gateway')).toBe('節點「Call ERP」：The server answered 502 Bad Gateway');
    expect(stepErrorText('Code in "Score", line 3, column 7, item 2: ReferenceError: total is not defined')).toBe(
      '「Score」的程式碼，第 3 行第 7 欄，第 2 筆項目：ReferenceError: total is not defined',
    );
    expect(stepErrorText('Code in "Score", line 1, column 4 has a syntax error: Unexpected token \')\'')).toBe('「Score」的程式碼，第 1 行第 4 欄有語法錯誤：Unexpected token \')\'');
    expect(stepErrorText('Code in "Score" has a syntax error at its end: Unexpected end of input (a bracket or brace closed that was never opened, or one left open)')).toBe(
      '「Score」的程式碼的結尾有語法錯誤：Unexpected end of input（有括號關閉了卻從未開啟，或開啟後沒有關閉）',
    );
    expect(stepErrorText('Code in "Score", item 3: returned something that is not JSON data: a function')).toBe('「Score」的程式碼，第 3 筆項目：傳回了不是 JSON 資料的內容：a function');
    expect(stepErrorText('Node "Big?", parameter conditions[0].left, item 2: {{ $json.total }} failed: the value cannot be used as data')).toBe(
      '節點「Big?」，參數 conditions[0].left，第 2 筆項目：{{ $json.total }} 執行失敗：這個值無法當作資料使用',
    );
    expect(stepErrorText('Node "Post": the parameters are not valid when filled in: url: Invalid URL; timeoutSeconds: Too small: expected number to be >=1')).toBe(
      '節點「Post」：填入後的參數無效：url: 請輸入完整的網址，例如 https://shop.example.com；timeoutSeconds: 至少 1',
    );
    // A node type's own message, which the runtime records as English alone, in that node's words.
    expect(stepErrorText('Node "Post": the parameters are not valid when filled in: url: Give a full address starting with http:// or https://; body: A GET request cannot have a body')).toBe(
      '節點「Post」：填入後的參數無效：url: 請輸入以 http:// 或 https:// 開頭的完整網址；body: GET 請求不能有內容',
    );
  });

  it('reads the same in English, and leaves a sentence it does not know as it is', () => {
    expect(stepErrorText('Node "HTTP request", parameter url: {{ $json.x }} is not a valid expression: Unexpected token')).toBe(
      'Node “HTTP request”, parameter url: {{ $json.x }} is not a valid expression: Unexpected token',
    );
    expect(stepErrorText('The run was cancelled')).toBe('The run was cancelled');
    expect(stepErrorText('Node "Say "hi"": boom')).toBe('Node “Say "hi"”: boom');
  });

  it('words a refused connection from its details, as English and Traditional Chinese readers read it', async () => {
    // As the HTTP node throws it, and the runtime names the node.
    const refused = new OutboundRefusedError({ host: '127.0.0.1', address: '127.0.0.1', reason: 'loopback' }, { redirectedFrom: 'api.shop.example' });
    const message = `Node "Call ERP": ${refused.message}`;
    const details = JSON.parse(JSON.stringify(refused.details)) as Record<string, unknown>;
    expect(stepErrorText(message, details)).toBe(`Node “Call ERP”: ${refused.message}`);
    await i18n.changeLanguage('zh-TW');
    expect(stepErrorText(message, details)).toBe(
      '節點「Call ERP」：api.shop.example 把請求轉址到 127.0.0.1，而 Junction 不會連線到 127.0.0.1：這是本伺服器自己（loopback），工作流程不能連過去。如果確實需要連線，請管理員把 127.0.0.1 加進設定 JUNCTION_OUTBOUND_ALLOW。',
    );
    const privateErp = new OutboundRefusedError({ host: 'erp.office', address: '192.168.1.20', reason: 'private' });
    expect(stepErrorText(privateErp.message, JSON.parse(JSON.stringify(privateErp.details)))).toContain('erp.office (192.168.1.20)：這是私有網路的位址');
    // Details that say nothing of a refusal leave the sentence as it was.
    expect(stepErrorText('Node "Call ERP": boom', { status: 500 })).toBe('節點「Call ERP」：boom');
  });
});
