/** 繁體中文：與其他使用者共用工作流程 (part of zh-TW.ts), typed against the English. */
import type { Messages } from './en.ts';
import type { sharingEn } from './sharing.en.ts';

export const sharingZhTW: Messages<typeof sharingEn> = {
  sharing: {
    button: '共用',
    title: '共用「{{name}}」',
    description: '共用對象可以開啟、修改與執行它，但不能再共用給別人。',
    owner: '擁有者：{{name}}',
    people: '共用給這些編輯者',
    nobody: '目前沒有可以共用的編輯者。',
    rolesNote: '檢視者本來就能查看所有工作流程，管理員也能修改所有工作流程。',
    saved_one: '已共用給 {{count}} 人',
    saved_other: '已共用給 {{count}} 人',
    private: '沒有共用給任何人',
  },
};
