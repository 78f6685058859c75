import type { Translation } from '../../sdk/words.ts';
import type { words as en } from './words.en.ts';

export const words: Translation<typeof en> = {
  label: '條件判斷',
  description: '依條件把每筆項目送往「成立（true）」或「不成立（false）」。',
  params: {
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
  messages: {
    notARegex: '不是有效的正規表示式：{{reason}}',
    oneCondition: '請至少新增一個條件',
  },
};
