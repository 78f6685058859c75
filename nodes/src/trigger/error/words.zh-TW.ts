import type { Translation } from '../../sdk/words.ts';
import type { words as en } from './words.en.ts';

export const words: Translation<typeof en> = {
  label: '當工作流程失敗時',
  description: '當另一個工作流程的執行失敗時啟動這個工作流程（對方在設定中指定這個工作流程為錯誤處理流程），並帶入失敗的內容、位置與原因。',
};
