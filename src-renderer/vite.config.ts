import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

/**
 * One build for the Electron window and the web console: relative asset URLs (base './') so the same
 * files load from the app's protocol and from the API server's path; output in dist-renderer/.
 */

const root = fileURLToPath(new URL('.', import.meta.url));
export const rendererOutDir = fileURLToPath(new URL('../dist-renderer', import.meta.url));

/**
 * The built page carries a strict CSP: scripts and connections only from its own origin. Styles allow
 * inline because Mantine and the charts set style attributes. Dev mode skips it (React refresh injects
 * an inline preamble there).
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function cspMeta(): Plugin {
  return {
    name: 'session-manager-csp',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export function rendererConfig(outDir: string = rendererOutDir): UserConfig {
  return {
    root,
    base: './',
    mode: 'production',
    logLevel: 'warn',
    plugins: [react(), cspMeta()],
    build: {
      outDir,
      emptyOutDir: true,
      sourcemap: false,
      reportCompressedSize: false,
      chunkSizeWarningLimit: 2000,
      target: 'es2022',
    },
    // Dev: the page comes from Vite, the API from a running service (`session-manager run local`).
    server: {
      host: '127.0.0.1',
      proxy: { '/api': process.env.SESSION_MANAGER_API ?? 'http://127.0.0.1:7870' },
    },
  };
}

export default defineConfig(rendererConfig());
