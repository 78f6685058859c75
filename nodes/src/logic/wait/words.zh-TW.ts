import type { Translation } from '../../sdk/words.ts';
import type { words as en } from './words.en.ts';

export const words: Translation<typeof en> = {
  label: '等待',
  description: '讓執行暫停一段時間、等到某個時間，或等到有人核准、填寫表單或其他系統回呼——等待期間不佔用任何資源。',
  params: {
    waitFor: { label: '等待', help: '執行繼續之前要等的事。等待中的執行在重新啟動後仍會保留。' },
    mode: { label: '等待' },
    amount: { label: '多久' },
    unit: { label: '單位' },
    time: { label: '直到', help: '日期與時間（除非另有註明，採用工作流程的時區），例如 2026-12-24T09:00，或一個運算式。' },
    message: { label: '訊息', help: '顯示在連結開啟的頁面上。' },
    fields: { label: '表單欄位' },
    name: { label: '欄位名稱', help: '答案在輸出中的位置，例如「quantity」。' },
    label: { label: '標籤' },
    type: { label: '答案類型' },
    required: { label: '必填' },
    choices: { label: '選項' },
    expiresIn: { label: '連結有效期間', help: '0：直到執行被取消為止。' },
    expiresUnit: { label: '單位' },
    onExpiry: { label: '逾時無人回應時' },
  },
  options: {
    mode: {
      duration: '一段時間',
      until: '某個日期與時間',
      approval: '某人的核准',
      form: '填寫表單',
      callback: '其他系統的回呼',
    },
    unit: { seconds: '秒', minutes: '分鐘', hours: '小時', days: '天' },
    expiresUnit: { hours: '小時', days: '天' },
    onExpiry: { reject: '視為駁回', approve: '視為核准', fail: '讓執行失敗', continue: '不等了，繼續' },
    type: { text: '文字', textarea: '較長的文字', number: '數字', date: '日期', choice: '清單中的一項' },
  },
  messages: {
    positive: '請輸入大於零的時間長度',
    timeMissing: '請輸入要等到的日期與時間',
    fieldName: '只能使用英文字母、數字與 _，且須以字母開頭',
    oneField: '請至少新增一個欄位',
    badTime: '「{{value}}」不是日期與時間（例如 2026-12-24T09:00）',
    tooLong: '等待結束的時間距今超過一年（{{until}}）',
    expired: '連結到期（{{until}}）前沒有人回應',
    choiceNeeded: '選項欄位需要提供選項：{{field}}',
  },
};
