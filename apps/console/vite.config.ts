import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** This folder (the console's sources) and the repository root, wherever the build is started from. */
const consoleDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** The control plane the dev server forwards /v1 to: its port, as the control plane itself reads it. */
const controlPlane = `http://localhost:${process.env.CONTROL_PLANE_PORT ?? '3001'}`;

/**
 * The operator console: static files in `dist/console`, served by the control plane at /console. In
 * development (`npx vite --config apps/console/vite.config.ts`) the API calls go to the control plane
 * (port CONTROL_PLANE_PORT, 3001 by default) through the dev server, so the page and the API share
 * one origin, as in production.
 */
export default defineConfig({
  root: consoleDir,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: `${repoRoot}dist/console`,
    emptyOutDir: true,
    // No inline scripts or data: modules: the control plane's Content-Security-Policy allows 'self' only.
    assetsInlineLimit: 0,
    rolldownOptions: {
      output: {
        // Libraries change less often than the console: separate files stay cached across releases. The
        // charts library is used by the tenant page only, and loads with it.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|scheduler)[\\/]/, priority: 3 },
            { name: 'vendor', test: /node_modules/, tags: ['$initial'], priority: 2 },
            { name: 'charts', test: /node_modules/, priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: { '/v1': { target: controlPlane } },
  },
});
