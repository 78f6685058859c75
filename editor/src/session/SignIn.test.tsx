import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.ts';
import { i18n } from '../i18n/index.ts';
import { signInProblem } from './SignIn.tsx';

describe('a failed sign-in, said readably', () => {
  it('says how long an account stays locked, from the Retry-After the server sent, in the reader’s language', async () => {
    const locked = new ApiError(429, 'sign_in_locked', 'Too many failed sign-ins for this account: it is locked; try again in 14 minutes', { retryAfter: 840 });
    expect(signInProblem(locked, i18n.t)).toBe('Too many failed sign-ins: this account is locked for now. Try again in 14 minutes.');
    expect(signInProblem(new ApiError(429, 'sign_in_locked', '…', { retryAfter: 30 }), i18n.t)).toBe('Too many failed sign-ins: this account is locked for now. Try again in 1 minute.');
    await i18n.changeLanguage('zh-TW');
    try {
      expect(signInProblem(locked, i18n.t)).toBe('登入失敗次數過多，這個帳號暫時鎖定。請在 14 分鐘後再試。');
      expect(signInProblem(new ApiError(401, 'invalid_credentials', 'The e-mail or the password is not right'), i18n.t)).toBe('電子郵件或密碼不正確。');
    } finally {
      await i18n.changeLanguage('en');
    }
  });

  it('passes a problem it has no words for on as the server said it, and says a known one in the reader’s words', () => {
    expect(signInProblem(new ApiError(503, 'maintenance', 'Junction is being upgraded; try again in a minute'), i18n.t)).toBe('Junction is being upgraded; try again in a minute');
    expect(signInProblem(new ApiError(0, 'network', "Junction's server cannot be reached."), i18n.t)).toBe('Junction’s server cannot be reached. Check that it is running, then try again.');
  });
});
