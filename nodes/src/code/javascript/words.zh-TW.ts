import type { Translation } from '../../sdk/words.ts';
import type { words as en } from './words.en.ts';

export const words: Translation<typeof en> = {
  label: '程式碼',
  description: '在沙箱中對項目執行您的 JavaScript。',
  params: {
    mode: { label: '執行方式', help: '對所有項目執行一次（$input.all()，回傳清單），或每筆項目執行一次（$json，回傳該項目、清單，或不回傳以捨棄）。' },
    code: {
      label: 'JavaScript',
      help: '可以使用 await。可用的名稱：$input、$json、$node("名稱")、$run、$workflow、$vars、$now、$today、DateTime，以及 console.log（會和步驟一起保存在執行紀錄中）。不能連網路、讀寫檔案或使用計時器。',
    },
  },
  options: { mode: { allItems: '所有項目執行一次', perItem: '每筆項目執行一次' } },
  messages: {
    writeCode: '請寫一些 JavaScript',
    codeTooLong: '程式碼最多 100,000 個字元',
  },
};
