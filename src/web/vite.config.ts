// The console's build: src/web → dist/web (index.html + hashed assets/), served by the API server
// (src/api/console/). No CDN: every script, style and font ships in the build.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: here('../../dist/web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    chunkSizeWarningLimit: 2048,
    rollupOptions: {
      output: {
        // antd and recharts change less often than the pages: separate files stay cached across releases.
        manualChunks: { antd: ['antd', '@ant-design/icons'], charts: ['recharts'] },
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8480', '/v5': 'http://127.0.0.1:8480' } },
});
