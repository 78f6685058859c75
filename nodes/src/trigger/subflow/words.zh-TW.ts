import type { Translation } from '../../sdk/words.ts';
import type { words as en } from './words.en.ts';

export const words: Translation<typeof en> = {
  label: '被其他工作流程呼叫時',
  description: '當其他工作流程以步驟（執行子工作流程）呼叫它時啟動，帶入對方給的項目；最後一個步驟的項目會回傳給呼叫者。',
  params: {
    inputs: { label: '預期的欄位', help: '每個項目應有的欄位，例如「sku」；缺少時呼叫會失敗並說明缺了哪些。' },
  },
  messages: {
    missing: '第 {{item}} 個項目缺少這個工作流程預期的欄位：{{fields}}',
  },
};
