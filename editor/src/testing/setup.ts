// Component tests render in happy-dom; each test starts from a clean document and storage.
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import '../i18n/index.ts';

afterEach(() => {
  cleanup();
  localStorage.clear();
});
