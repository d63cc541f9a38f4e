import { defineConfig, defaultClientConditions } from 'vite';
import react from '@vitejs/plugin-react';

const API_ORIGIN = 'http://localhost:3000';

/** Long-lived vendor chunks: app deploys then do not invalidate the browser's copy of React & co. */
const VENDOR_CHUNKS: Record<string, RegExp> = {
  react: /node_modules\/(react|react-dom|scheduler|react-router|react-router-dom|cookie|set-cookie-parser)\//,
  data: /node_modules\/(@tanstack|zod)\//,
  realtime:
    /node_modules\/(socket\.io-client|socket\.io-parser|engine\.io-client|engine\.io-parser|@socket\.io|debug|ms|xmlhttprequest-ssl)\//,
  charts: /node_modules\/(lightweight-charts|fancy-canvas)\//,
  // recharts (Quant's walk-forward charts) and what it brings: d3 pieces, redux toolkit.
  recharts:
    /node_modules\/(recharts|victory-vendor|d3-[a-z-]+|internmap|decimal\.js-light|es-toolkit|eventemitter3|immer|redux|redux-thunk|reselect|react-redux|@reduxjs|tiny-invariant|clsx)\//,
};

export default defineConfig({
  plugins: [react()],
  resolve: {
    // The workspace libs are consumed from TypeScript source, not their dist builds.
    conditions: ['@tradeloop/source', ...defaultClientConditions],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Maps for error reporting, not advertised to browsers.
    sourcemap: 'hidden',
    rollupOptions: {
      output: {
        manualChunks(id) {
          return Object.keys(VENDOR_CHUNKS).find((name) => VENDOR_CHUNKS[name]!.test(id));
        },
      },
      onwarn(warning, warn) {
        // zod ships comments Rollup cannot place; harmless and not ours to fix.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules/zod')) return;
        warn(warning);
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: API_ORIGIN, changeOrigin: true },
      '/socket.io': { target: API_ORIGIN, changeOrigin: true, ws: true },
    },
  },
});
