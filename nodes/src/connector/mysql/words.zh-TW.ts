import type { Translation } from '../../sdk/words.ts';
import type { words as en } from './words.en.ts';

export const words: Translation<typeof en> = {
  label: 'MySQL / MariaDB',
  description: '讀寫 MySQL 或 MariaDB 資料庫：執行查詢，或為每個項目新增、更新、新增或更新、刪除一筆資料。',
  params: {
    credential: { label: '資料庫', help: '憑證庫中的 MySQL 或 MariaDB 連線。' },
    action: { label: '要做什麼' },
    operation: { label: '操作', choose: '請選擇要做什麼' },
    sql: {
      label: 'SQL',
      help: '要執行的 SQL。每個值請寫成 ?，再依序列在「參數」中：值會和 SQL 分開送出，任何值都無法改變 SQL 的作用。',
    },
    parameters: { label: '參數', help: 'SQL 中各個 ? 的值，依序排列；每個值都可以是運算式，例如 {{ $json.sku }}。' },
    runFor: { label: '執行查詢', help: '為每個項目用它的值執行，或只執行一次（值取自第一個項目）。' },
    table: { label: '資料表', help: '例如 orders，或連同資料庫寫成 shop.orders。' },
    columns: { label: '欄位', help: '每個欄位和它的值；值可以是運算式，例如 {{ $json.price }}。' },
    column: { label: '欄位' },
    value: { label: '值' },
    match: { label: '符合條件的資料', help: '這些欄位都等於各自的值，例如 sku = {{ $json.sku }}。空的值會比對空值（NULL）。' },
    keyColumns: {
      label: '鍵欄位',
      help: '用來識別一筆資料的欄位（主鍵或唯一限制），例如 sku：已有相同鍵的資料就更新，否則新增一筆（依資料表的任一主鍵或唯一鍵判斷，由 MySQL 決定）。',
    },
    batch: {
      label: '多個項目時',
      help: '同一個交易：所有項目一起儲存，只要有一個失敗就全部不儲存。逐項處理：每個項目各自儲存；若此步驟失敗時設為「記錄錯誤並繼續」，失敗的項目會帶著錯誤訊息，其他項目照常處理（重試這個步驟時，每個項目都會再執行一次）。',
    },
    timeoutSeconds: { label: '每個陳述式的時間上限（秒）', help: '執行超過這個時間，資料庫就會停止該陳述式。' },
  },
  options: {
    operation: { query: '執行查詢', insert: '新增資料', update: '更新資料', upsert: '新增或更新', delete: '刪除資料' },
    runFor: { eachItem: '每個項目各執行一次', allItems: '所有項目只執行一次' },
    batch: { transaction: '全部在同一個交易中（全有或全無）', itemByItem: '逐項處理（各自儲存）' },
  },
  messages: {
    sqlEmpty: '請輸入要執行的 SQL',
    tableName: '資料表名稱只能包含字母、數字和 _（例如 orders），需要時可在前面加上資料庫名稱（shop.orders）',
    columnName: '欄位名稱只能包含字母、數字和 _（例如 unit_price）',
    noColumns: '請至少提供一個欄位和它的值',
    noMatch: '請指定要處理哪些資料：至少一個欄位和它的值',
    noKey: '請指定用來識別資料的欄位，例如 sku',
    columnTwice: '欄位 {{column}} 重複出現',
    keyNotWritten: '鍵欄位 {{column}} 需要在「欄位」中提供值',
  },
};
