/** 繁體中文：變數（$vars） (part of zh-TW.ts), typed against the English. */
import type { Messages } from './en.ts';
import type { variablesEn } from './variables.en.ts';

export const variablesZhTW: Messages<typeof variablesEn> = {
  variables: {
    title: '變數',
    intro: '所有工作流程都能讀取的值，在運算式與程式碼中寫成 $vars.名稱，例如 ERP 的網址、商店代號。變數是明文：密碼與權杖請放在憑證中。',
    readOnly: '變數由管理員修改；您可以查看，並在工作流程中使用。',
    key: '名稱',
    keyHelp: '英文字母、數字與「_」，不能以數字開頭。',
    value: '值',
    updated: '最後修改',
    add: '新增變數',
    added: '已新增 {{key}}',
    edit: '修改',
    editOne: '修改 {{key}}',
    saved: '已儲存 {{key}}',
    deleteOne: '刪除 {{key}}',
    deleteTitle: '要刪除 {{key}} 嗎？',
    deleteDescription: '讀取它的運算式將取不到任何值。',
    deleted: '已刪除 {{key}}',
    empty: '還沒有變數。',
  },
};
