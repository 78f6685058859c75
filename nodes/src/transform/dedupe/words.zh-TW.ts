import type { Translation } from '../../sdk/words.ts';
import type { words as en } from './words.en.ts';

export const words: Translation<typeof en> = {
  label: '移除重複',
  description: '每個項目只讓它通過一次：去除同一次執行中的重複，以及先前執行已見過的項目（重複送來的訂單編號），重新啟動後仍記得。',
  params: {
    key: { label: '視為相同的依據', help: '兩個項目在什麼情況下算相同，例如 {{ $json.orderId }}，或 {{ $json.channel }}-{{ $json.orderId }}（通路加訂單編號）。' },
    across: { label: '檢查重複的範圍' },
    rememberFor: { label: '記住多久', help: '0：永遠記住。' },
    rememberUnit: { label: '單位' },
    maxEntries: { label: '最多記住', help: '最多記住多少個鍵值；最舊的會先被忘記。' },
  },
  options: {
    across: { runs: '這次執行與先前的執行', run: '只在這次執行之內' },
    rememberUnit: { hours: '小時', days: '天' },
  },
  messages: {
    keyMissing: '請說明兩個項目在什麼情況下算相同',
    emptyKey: '第 {{item}} 個項目的鍵值是空的',
    noMemory: '跨執行記住需要 Junction 的資料庫',
  },
};
