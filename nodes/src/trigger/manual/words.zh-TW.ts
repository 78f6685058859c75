import type { Translation } from '../../sdk/words.ts';
import type { words as en } from './words.en.ts';

export const words: Translation<typeof en> = {
  label: '手動觸發',
  description: '按下「執行」或呼叫執行 API 時，以您提供的範例資料啟動工作流程。',
};
