import type { Translation } from '../../sdk/words.ts';
import type { words as en } from './words.en.ts';

export const words: Translation<typeof en> = {
  label: '寄送電子郵件',
  description:
    '透過 SMTP 伺服器寄送電子郵件，每筆項目一封，或所有項目合寄一封。和所有對外動作一樣，若在寄出後隨即當機，郵件可能再寄一次；每次嘗試都帶著相同的 X-Idempotency-Key 標頭與 Message-ID，收件端可據此略去重複的郵件。',
  params: {
    credential: { label: 'SMTP 伺服器', help: '保管庫中的 SMTP 認證：主機、連接埠、TLS 與登入資料。' },
    mode: { label: '寄送方式', help: '每筆項目各寄一封，內容依該項目填入；或所有項目合寄一封，例如用 $input.all() 做成的摘要。' },
    from: { label: '寄件者', help: '例如 Taipei Tea <orders@taipei-tea.example>。留空：使用 SMTP 認證的預設寄件者。' },
    to: { label: '收件者', help: '以逗號分隔的地址，例如 anna@shop.example, Ben Wu <ben@shop.example>；或由運算式產生的清單。' },
    cc: { label: '副本', help: '副本收件者：以逗號分隔的地址。' },
    bcc: { label: '密件副本', help: '密件副本收件者：其他收件者看不到這些地址。' },
    replyTo: { label: '回覆地址', help: '回信寄往的地址（不寄給寄件者時）。' },
    subject: { label: '主旨' },
    text: { label: '內文（純文字）', help: '請提供純文字內文、HTML 內文，或兩者都提供。' },
    html: { label: '內文（HTML）', help: '請提供純文字內文、HTML 內文，或兩者都提供：郵件程式會顯示它能顯示的那一種。' },
    attachments: { label: '附件', help: '要附加的檔案，內容可來自運算式（例如流程前面產生的 CSV）。' },
    filename: { label: '檔名', help: '收件者看到的檔名，例如 orders-2026-11-25.csv。' },
    content: { label: '內容', help: '檔案本身：文字，或 PDF、圖片等的 base64。' },
    encoding: { label: '內容格式', choose: '請選擇內容的寫法' },
    contentType: { label: '內容類型', help: '例如 text/csv 或 application/pdf。留空：依檔名的副檔名判斷。' },
    timeoutSeconds: { label: '逾時（秒）', help: '寄送一封郵件超過這麼多秒就放棄。' },
  },
  options: {
    mode: { perItem: '每筆項目一封', once: '所有項目合寄一封' },
    encoding: { text: '文字', base64: 'Base64 編碼' },
  },
  messages: {
    addressListShape: '請以文字（地址之間用逗號分隔）或文字清單提供地址',
    notAnAddress: '{{entry}} 不是電子郵件地址',
    notAddresses: '這些不是電子郵件地址：{{entries}}',
    oneSender: '請只提供一個寄件者地址',
    noRecipient: '請至少提供一位收件者（收件者、副本或密件副本）',
    subjectEmpty: '主旨是空的',
    subjectTooLong: '主旨超過 2000 個字元',
    noBody: '請提供內文：純文字、HTML，或兩者',
    fileNameEmpty: '請為檔案命名',
    fileNameTooLong: '檔名最多 255 個字元',
    fileNameCharacters: '檔名不能包含 /、\\ 或換行',
    contentType: '請寫成 text/csv 或 application/pdf 這樣的內容類型',
    notBase64: '這不是 base64：只能有英文字母、數字、+、/，以及結尾的 =',
  },
};
