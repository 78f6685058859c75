import type { Translation } from '../../sdk/words.ts';
import type { words as en } from './words.en.ts';

export const words: Translation<typeof en> = {
  label: '執行子工作流程',
  description: '以這些項目執行另一個工作流程（一次，或每個項目各一次），再以它最後一個步驟的結果繼續，或立即繼續。',
  params: {
    workflowId: { label: '工作流程', help: '要執行的工作流程：須以「被其他工作流程呼叫時」觸發的工作流程。' },
    waitForResult: { label: '等待結果', help: '關閉：啟動後立即繼續（每個項目會帶有 subflowRunId）。' },
    callPer: { label: '執行方式' },
  },
  options: {
    callPer: { call: '一次，帶入所有項目', item: '每個項目各一次' },
  },
  messages: {
    chooseWorkflow: '請選擇要執行的工作流程',
    noRuntime: '子工作流程只能在 Junction 的執行環境中執行',
    failed: '子工作流程的執行 {{run}} 失敗：{{message}}',
    cancelled: '子工作流程的執行 {{run}} 已被取消',
  },
};
