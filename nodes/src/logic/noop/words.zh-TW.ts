import type { Translation } from '../../sdk/words.ts';
import type { words as en } from './words.en.ts';

export const words: Translation<typeof en> = {
  label: '不做任何事',
  description: '原封不動地傳遞項目，可作為標記或分支的匯合點。',
};
