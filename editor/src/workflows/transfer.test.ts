import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.ts';
import { EXPORT_FORMAT, type WorkflowExport } from '../api/types.ts';
import { i18n } from '../i18n/index.ts';
import { errorSentence } from '../i18n/problems.ts';
import { importProblem, readImportFile } from './transfer.ts';

afterEach(async () => {
  await i18n.changeLanguage('en');
});

const fileOf = (text: string) => new File([text], 'orders.junction.json', { type: 'application/json' });
const refusal = (file: File) => readImportFile(file).then(() => 'read', (error: Error) => error.message);

describe('importing a workflow file', () => {
  it('reads an export document', async () => {
    const document: WorkflowExport = {
      format: EXPORT_FORMAT,
      formatVersion: 1,
      name: 'Orders',
      graph: { schemaVersion: 1, nodes: [], edges: [], stickyNotes: [], settings: { timezone: 'UTC', timeoutSeconds: 3600 } },
      exportedAt: '2026-11-25T08:30:00.000Z',
    };
    await expect(readImportFile(fileOf(JSON.stringify(document)))).resolves.toEqual(document);
  });

  it('says a broken JSON file is not valid JSON, and on which line, in plain words', async () => {
    expect(await refusal(fileOf('{\n  "format": "junction.workflow",\n  "name": "Orders"\n  "graph": {}\n}'))).toBe(
      'This file is not valid JSON (line 4): it may have been changed by hand or cut short. Choose the .junction.json file you exported from Junction.',
    );
    await i18n.changeLanguage('zh-TW');
    expect(await refusal(fileOf('{\n  "format": "junction.workflow",\n  "graph": {'))).toBe(
      '這個檔案不是有效的 JSON（第 3 行）：可能被手動修改過或不完整。請選擇您從 Junction 匯出的 .junction.json 檔案。',
    );
  });

  it('says a JSON file that is no export is not a Junction workflow export', async () => {
    const notExport = 'This file is not a Junction workflow export. Use Export on a workflow in Junction to make one, then import that file.';
    expect(await refusal(fileOf('{"orders": [1, 2]}'))).toBe(notExport);
    expect(await refusal(fileOf('[1, 2]'))).toBe(notExport);
    expect(await refusal(fileOf('"junction.workflow"'))).toBe(notExport);
  });

  it('tells the server’s refusal as a problem of the file, without "entered here" or "request body"', async () => {
    // As server/src/api/errors.ts fromZodError writes it for the import route.
    const newer = new ApiError(400, 'invalid_request', 'The request body is not valid: formatVersion: This workflow file was made by a newer Junction (formatVersion must be 1)', {
      path: 'formatVersion',
      issues: [{ code: 'invalid_request', path: 'formatVersion', message: 'formatVersion: This workflow file was made by a newer Junction (formatVersion must be 1)' }],
    });
    await i18n.changeLanguage('zh-TW');
    const sentence = errorSentence(await importProblem(newer, {}));
    expect(sentence).toMatch(/^這個工作流程檔案含有 Junction 無法使用的內容：這個工作流程檔案/);
    expect(sentence).not.toMatch(/request|body|formatVersion:|輸入/);
    const other = new ApiError(403, 'forbidden', 'Your role cannot create workflows');
    expect(await importProblem(other, {})).toBe(other);
    // A graph the server's check refused: by node and field, as a refused save.
    const graph = { nodes: [{ id: 'erp', type: 'connector.http', name: '查詢 ERP', params: { url: 'erp' }, position: [0, 0], onError: 'stop' }], edges: [] };
    const refused = new ApiError(400, 'invalid_params', 'Node "查詢 ERP", field url: Invalid URL (and 1 more problem)', {
      path: 'graph.nodes[0].params.url',
      issues: [
        { code: 'invalid_params', path: 'graph.nodes[0].params.url', message: 'Node "查詢 ERP", field url: Invalid URL' },
        { code: 'no_trigger', path: 'graph', message: 'The workflow has no trigger' },
      ],
    });
    expect(errorSentence(await importProblem(refused, { graph }))).toBe('這個工作流程檔案含有 Junction 無法使用的內容：「查詢 ERP」的「網址」：請輸入完整的網址，例如 https://shop.example.com（另有 1 個問題）');
  });
});
