import type { Translation } from '../../sdk/words.ts';
import type { words as en } from './words.en.ts';

export const words: Translation<typeof en> = {
  label: 'Webhook',
  description: '當其他系統對 /hooks/<路徑> 發出 HTTP 請求時啟動工作流程。',
  params: {
    path: { label: '路徑', help: '外部系統呼叫的網址：/hooks/<路徑>。' },
    method: { label: 'HTTP 方法', help: '外部系統使用的 HTTP 方法。' },
    respond: { label: '回應方式', help: '立即回應執行編號，或等執行結束後以最後一個步驟的輸出回應。' },
    responseTimeoutSeconds: { label: '最長等待（秒）', help: '等待執行結果時，超過這個時間就先回應執行編號，執行會繼續進行。' },
    include: { label: '每筆項目包含', help: '請求內容，或整個請求（內容、查詢參數、不含憑證的標頭、方法、路徑）。' },
    auth: { label: '誰可以呼叫', help: '沒有通過檢查的請求會得到 401，不會啟動任何執行。' },
    credential: { label: '用來檢查的憑證', help: '存放權杖、密碼或簽章密鑰——不會寫在工作流程裡。' },
  },
  options: {
    respond: { immediately: '立即（回應執行編號）', whenFinished: '執行結束後' },
    include: { body: '請求內容', request: '整個請求' },
  },
  messages: {
    headerName: '不是有效的標頭名稱',
    pathMissing: '請設定 Webhook 的路徑，例如「orders」',
    pathTooLong: '路徑超過 200 個字元',
    pathCharacters: '路徑只能包含英文字母、數字、「-」、「_」，以及分隔各段的「/」',
    chooseCredential: '請選擇 {{kind}} 驗證要用來檢查的憑證',
  },
};
