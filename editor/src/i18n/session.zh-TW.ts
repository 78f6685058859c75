/** 繁體中文：登入畫面、第一次啟動與我的帳號 (part of zh-TW.ts), typed against the English. */
import type { Messages } from './en.ts';
import type { sessionEn } from './session.en.ts';

export const sessionZhTW: Messages<typeof sessionEn> = {
  session: {
    signInTitle: '登入 Junction',
    email: '電子郵件',
    password: '密碼',
    name: '您的名字',
    signIn: '登入',
    signingIn: '登入中…',
    signOut: '登出',
    invalid: '電子郵件或密碼不正確。',
    locked_one: '密碼錯誤次數過多：請等 {{count}} 秒後再試。',
    locked_other: '密碼錯誤次數過多：請等 {{count}} 秒後再試。',
    setupTitle: '歡迎使用：建立擁有者帳號',
    setupIntro: 'Junction 還沒有任何帳號。擁有者可以做所有事情，包括新增一起工作的同事。請妥善保管密碼：系統沒有預設密碼。',
    newPassword: '新密碼',
    repeatPassword: '再次輸入新密碼',
    passwordRule_one: '至少 {{count}} 個字元。用一句記得住的話效果很好。',
    passwordRule_other: '至少 {{count}} 個字元。用一句記得住的話效果很好。',
    passwordTooShort_one: '密碼至少需要 {{count}} 個字元。',
    passwordTooShort_other: '密碼至少需要 {{count}} 個字元。',
    passwordMismatch: '兩次輸入的密碼不一樣。',
    createOwner: '建立擁有者並登入',
    expiredTitle: '請重新登入',
    expiredDescription: '您的登入已結束。重新登入後即可繼續：畫面上的內容（包括未儲存的變更）都會保留。',
    menu: '{{name}} 的帳號',
  },
  account: {
    title: '我的帳號',
    profile: '個人資料',
    keysHint: '程式與其他系統請使用 API 金鑰，而不是您的密碼：',
    passwordTitle: '變更密碼',
    passwordHint: '這裡會保持登入；您在其他地方的登入都會結束。',
    currentPassword: '目前的密碼',
    currentMissing: '請輸入目前的密碼。',
    currentWrong: '目前的密碼不正確。',
    changePassword: '變更密碼',
    passwordChanged: '密碼已變更，其他地方的登入已結束。',
  },
};
