/**
 * Every string the editor shows goes through i18next. English and Traditional Chinese
 * ship complete (zh-TW is typed against en, so a missing key fails the typecheck); node
 * types' words come from their folders in nodes/src (node-words.ts) under
 * `nodeTypes.<type>`, falling back to the server's English for a type the editor's bundle
 * does not know. A language added here needs its words in every node folder too (a test
 * checks they match).
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.ts';
import { zhTW } from './zh-TW.ts';

export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'zh-TW', label: '繁體中文' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

const STORAGE_KEY = 'junction.language';

/** The language saved by the switch, else the browser's (any Chinese written in Traditional script → zh-TW). */
export function initialLanguage(stored: string | null = localStorage.getItem(STORAGE_KEY), browser: readonly string[] = navigator.languages ?? []): Language {
  if (stored === 'en' || stored === 'zh-TW') return stored;
  for (const tag of browser) {
    if (/^zh-(TW|HK|MO|Hant)/i.test(tag)) return 'zh-TW';
    if (/^en/i.test(tag)) return 'en';
  }
  return 'en';
}

export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, 'zh-TW': { translation: zhTW } },
  lng: typeof localStorage === 'undefined' ? 'en' : initialLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  // Keys such as `capabilities.workflows:read` hold a colon: there are no namespaces to separate.
  nsSeparator: false,
  returnNull: false,
});

function applyDocumentLanguage(lng: string) {
  if (typeof document !== 'undefined') document.documentElement.lang = lng;
}
applyDocumentLanguage(i18n.language);
i18n.on('languageChanged', applyDocumentLanguage);

export async function changeLanguage(lng: Language): Promise<void> {
  localStorage.setItem(STORAGE_KEY, lng);
  await i18n.changeLanguage(lng);
}
