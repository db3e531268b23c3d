import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

export default defineConfig({
  plugins: [react()],
  // Relative base: the built app works from any static host path.
  base: './',
  build: {
    target: 'es2022',
    rollupOptions: {
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        headless: resolve(import.meta.dirname, 'headless.html'),
      },
    },
  },
  server: { host: '127.0.0.1' },
});
