import type { Translation } from '../../sdk/words.ts';
import type { words as en } from './words.en.ts';

export const words: Translation<typeof en> = {
  label: '排程',
  description: '在設定的時間啟動工作流程：每隔幾分鐘或幾小時、每天、每週選定的日子、每月，或依 cron 運算式。',
  params: {
    rule: { label: '執行時間', help: '工作流程何時執行。每次觸發只會啟動一次執行，不論有多少個工作程序。' },
    every: { label: '執行時間' },
    interval: { label: '每隔', help: '分鐘：1、2、3、4、5、6、10、12、15、20 或 30。小時：1、2、3、4、6、8 或 12。' },
    minute: { label: '於第幾分', help: '每小時的第幾分鐘，0–59。' },
    time: { label: '於', help: '一天中的時間，HH:MM（24 小時制），依下方的時區。' },
    days: { label: '在' },
    day: { label: '每月的第幾天', help: '1–31，或「last」（最後一天）。沒有該日的月份會略過。' },
    expression: { label: 'Cron 運算式', help: '分 時 日 月 星期，例如「30 23 * * 1-5」表示平日 23:30。' },
    timezone: { label: '時區', help: 'IANA 名稱，例如 Asia/Taipei 或 Europe/Warsaw；留空：使用工作流程的時區。' },
    overlap: { label: '若上一次執行尚未結束' },
    missed: { label: 'Junction 停止期間錯過的觸發' },
    catchUpLimit: { label: '最多執行', help: '選擇「每一次都執行」時：最多補跑幾次錯過的觸發（最近的幾次）。' },
  },
  options: {
    every: { minutes: '每隔幾分鐘', hours: '每隔幾小時', day: '每天', weekdays: '每週選定的日子', month: '每月', cron: '依 cron 運算式' },
    days: { mon: '星期一', tue: '星期二', wed: '星期三', thu: '星期四', fri: '星期五', sat: '星期六', sun: '星期日' },
    overlap: { skip: '略過這次觸發', queue: '等上一次執行結束後再開始', allow: '仍然開始' },
    missed: { latest: '執行最近的一次', none: '都不執行', all: '每一次都執行' },
  },
  messages: {
    timezone: '不是有效的時區：請使用 IANA 名稱，例如 Asia/Taipei',
    schedule: '這個排程無法使用：{{problem}}',
  },
};
