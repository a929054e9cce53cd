import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/** Where `vite` (dev server) and `vite preview` send the page's API calls: a running engine. */
const api = { target: process.env.FLASH_ARB_API_URL ?? "http://127.0.0.1:8081", changeOrigin: true };

/**
 * The operator's dashboard: built into dist/web, which the engine's API serves at `/`. While
 * working on it, `npx vite --config web/vite.config.ts` serves it with the API of a running
 * engine (`npm start`) behind `/api`.
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  // Relative asset paths: the page works wherever the API is mounted.
  base: "./",
  // Preact's automatic JSX runtime (no @preact/preset-vite: Vite's own Oxc transform does it).
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  server: { proxy: { "/api": api } },
  preview: { proxy: { "/api": api } },
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 200,
  },
});
