import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

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
});
