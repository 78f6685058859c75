import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The editor is served by Junction's server from dist/; in development `vite` serves it
// and passes the API and webhooks on to a Junction running on :3000.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000', '/hooks': 'http://127.0.0.1:3000' },
  },
  // Component and store tests (the root vitest.config.ts runs them with the rest); the
  // end-to-end tests in e2e/ run in Node against a real server, from the root config.
  test: {
    name: 'editor',
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/testing/setup.ts'],
    // Rendering a screen takes a few hundred ms, but seconds while the machine runs the
    // server's tests beside these.
    testTimeout: 20_000,
  },
});
