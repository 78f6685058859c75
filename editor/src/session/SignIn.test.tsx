import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.ts';
import { i18n } from '../i18n/index.ts';
import { signInProblem } from './SignIn.tsx';

describe('a failed sign-in, said readably', () => {
  it('says how long to wait after too many wrong passwords, from the Retry-After the server sent, in the reader’s language', async () => {
    const slowed = new ApiError(429, 'sign_in_locked', 'Too many wrong passwords for this account: wait 16 seconds before signing in again', { retryAfter: 16 });
    expect(signInProblem(slowed, i18n.t)).toBe('Too many wrong passwords: wait 16 seconds, then try again.');
    expect(signInProblem(new ApiError(429, 'sign_in_locked', '…', { retryAfter: 1 }), i18n.t)).toBe('Too many wrong passwords: wait 1 second, then try again.');
    await i18n.changeLanguage('zh-TW');
    try {
      expect(signInProblem(slowed, i18n.t)).toBe('密碼錯誤次數過多：請等 16 秒後再試。');
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
