import { defineConfig } from 'vite';

/** The consoles: `vite build web` → web/dist, served by the Cuecard service at `/`. */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  // React's automatic JSX runtime without @vitejs/plugin-react (no fast refresh needed for a build).
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `npx vite web` during development: the API and sockets come from `npm start` on :3000.
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/ws': { target: 'ws://127.0.0.1:3000', ws: true },
    },
  },
});
