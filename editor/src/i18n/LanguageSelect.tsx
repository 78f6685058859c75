/** The language switch (in the header, and on the sign-in screen). */
import { useTranslation } from 'react-i18next';
import { changeLanguage, LANGUAGES, type Language } from './index.ts';

export function LanguageSelect() {
  const { t, i18n } = useTranslation();
  return (
    <label className="language">
      <span className="sr-only">{t('nav.language')}</span>
      <select value={i18n.language} onChange={(e) => void changeLanguage(e.target.value as Language)} aria-label={t('nav.language')}>
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code}>
            {l.label}
          </option>
        ))}
      </select>
    </label>
  );
}
