import type { Translation } from '../../sdk/words.ts';
import type { words as en } from './words.en.ts';

export const words: Translation<typeof en> = {
  label: 'HTTP 請求',
  description: '呼叫任何 HTTP API，回應（狀態、標頭、內容）會成為項目。',
  params: {
    method: { label: '方法', help: 'HTTP 方法。' },
    url: { label: '網址', help: '要呼叫的網址，例如 https://erp.example.com/api/purchase-orders。' },
    headers: { label: '標頭', help: '額外的請求標頭。' },
    query: { label: '查詢參數', help: '加在網址後面的參數。' },
    body: { label: '內容', help: '要送出的 JSON 內容（GET、HEAD 不適用）。' },
    timeoutSeconds: { label: '逾時（秒）', help: '超過這個秒數就放棄這次呼叫。' },
    sendIdempotencyKey: { label: '送出冪等鍵', help: '每次重試都送出相同的 Idempotency-Key 標頭，讓接收的系統（如 ERP）能忽略重複的請求，避免重複建立採購單。' },
    responseFormat: { label: '回應解讀方式', help: '依 Content-Type、一律當作 JSON，或當作文字。' },
    credential: { label: '憑證', help: '用憑證庫中的標頭、Bearer 權杖、Basic 驗證或 OAuth2 用戶端憑證登入對方系統。' },
  },
  options: { responseFormat: { auto: '自動', json: 'JSON', text: '文字' } },
  messages: {
    nameEmpty: '名稱是空的',
    fullAddress: '請輸入以 http:// 或 https:// 開頭的完整網址',
    noSuchPort: '連接埠 {{port}} 不存在：連接埠的範圍是 1 到 65535',
    passwordInAddress: '請把使用者名稱和密碼放在 Basic 驗證憑證裡，不要寫在網址中（user:password@）',
    bodyNotAllowed: '{{method}} 請求不能有內容',
  },
};
