/** 繁體中文 node types (part of zh-TW.ts), typed against the English. */
import type { Messages } from './en.ts';
import type { nodeTypesEn } from './node-types.en.ts';

export const nodeTypesZhTW: Messages<typeof nodeTypesEn> = {
  $categories: { trigger: '觸發', logic: '邏輯', transform: '資料轉換', code: '程式碼', connector: '串接' },
  trigger: {
    manual: {
      label: '手動觸發',
      description: '按下「執行」或呼叫執行 API 時，以您提供的範例資料啟動工作流程。',
    },
    webhook: {
      label: 'Webhook',
      description: '當其他系統對 /hooks/<路徑> 發出 HTTP 請求時啟動工作流程。',
      fields: {
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
    },
  },
  transform: {
    fields: {
      label: '編輯欄位',
      description: '設定、重新命名或移除每筆項目的欄位。',
      fields: {
        operations: { label: '變更', help: '依序套用到每筆項目的變更。' },
        op: { label: '變更方式' },
        field: { label: '欄位', help: '巢狀欄位用點分隔，例如「customer.tier」。' },
        value: { label: '值', help: '文字、數字、是／否、清單或物件。' },
        from: { label: '要重新命名的欄位' },
        to: { label: '新名稱' },
        keepOnlySet: { label: '只保留這些欄位', help: '移除上面沒有設定或重新命名的其他欄位。' },
      },
      options: { op: { set: '設定', rename: '重新命名', remove: '移除' } },
    },
  },
  logic: {
    if: {
      label: '條件判斷',
      description: '依條件把每筆項目送往「成立（true）」或「不成立（false）」。',
      fields: {
        conditions: { label: '條件' },
        left: { label: '值', help: '要檢查的值，通常是項目的欄位：{{ $json.total }}。' },
        op: { label: '比較方式', help: '值的比較方式；「符合樣式」使用正規表示式。', choose: '請選擇比較方式' },
        right: { label: '比較對象', help: '「存在」與「不存在」不需要。' },
        caseSensitive: { label: '區分大小寫', help: '比較文字時是否區分大小寫。' },
        combine: { label: '組合方式', help: '全部條件都要成立，或任一條件成立即可。' },
      },
      options: {
        op: {
          equals: '等於',
          notEquals: '不等於',
          gt: '大於',
          gte: '大於或等於',
          lt: '小於',
          lte: '小於或等於',
          contains: '包含',
          exists: '存在',
          notExists: '不存在',
          matches: '符合樣式',
        },
        combine: { and: '全部成立（且）', or: '任一成立（或）' },
      },
    },
    noop: { label: '不做任何事', description: '原封不動地傳遞項目，可作為標記或分支的匯合點。' },
  },
  connector: {
    http: {
      label: 'HTTP 請求',
      description: '呼叫任何 HTTP API，回應（狀態、標頭、內容）會成為項目。',
      fields: {
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
    },
  },
  code: {
    javascript: {
      label: '程式碼',
      description: '在沙箱中對項目執行您的 JavaScript。',
      fields: {
        mode: { label: '執行方式', help: '對所有項目執行一次（$input.all()，回傳清單），或每筆項目執行一次（$json，回傳該項目、清單，或不回傳以捨棄）。' },
        code: {
          label: 'JavaScript',
          help: '可以使用 await。可用的名稱：$input、$json、$node("名稱")、$run、$workflow、$vars、$now、$today、DateTime，以及 console.log（會和步驟一起保存在執行紀錄中）。不能連網路、讀寫檔案或使用計時器。',
        },
      },
      options: { mode: { allItems: '所有項目執行一次', perItem: '每筆項目執行一次' } },
    },
  },
};
