import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The renderer runs from file:// inside Electron and from 127.0.0.1 in web mode: relative asset paths.
export default defineConfig({
  root: "renderer",
  base: "./",
  plugins: [react()],
  build: {
    outDir: "../dist/renderer",
    emptyOutDir: true,
    sourcemap: true,
    target: "es2022",
    chunkSizeWarningLimit: 2000,
  },
});
