import type { Translation } from '../../sdk/words.ts';
import type { words as en } from './words.en.ts';

export const words: Translation<typeof en> = {
  label: '編輯欄位',
  description: '設定、重新命名或移除每筆項目的欄位。',
  params: {
    operations: { label: '變更', help: '依序套用到每筆項目的變更。' },
    op: { label: '變更方式' },
    field: { label: '欄位', help: '巢狀欄位用點分隔，例如「customer.tier」。' },
    value: { label: '值', help: '文字、數字、是／否、清單或物件。' },
    from: { label: '要重新命名的欄位' },
    to: { label: '新名稱' },
    keepOnlySet: { label: '只保留這些欄位', help: '移除上面沒有設定或重新命名的其他欄位。' },
  },
  options: { op: { set: '設定', rename: '重新命名', remove: '移除' } },
};
