// Builds Draftline into dist/: the back end with esbuild (node-llama-cpp and every other package stay
// external, never bundled) and the renderer with Vite. `--node` builds only the back end.
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
const nodeOnly = process.argv.includes("--node");

/** Each entry: source, output, format. Entries whose source does not exist yet are skipped. */
const entries = [
  { src: "electron/node/cli/entry.ts", out: "dist/node/cli.js", format: "esm" },
  { src: "electron/node/engine/host.ts", out: "dist/node/engine-host.js", format: "esm" },
  { src: "electron/main/main.ts", out: "dist/main/main.js", format: "esm" },
  // A sandboxed preload can require only `electron`: everything else is bundled into it.
  { src: "electron/preload/preload.ts", out: "dist/preload/preload.cjs", format: "cjs", bundlePackages: true },
];

const started = Date.now();
for (const dir of ["dist/node", "dist/main", "dist/preload"]) await rm(path.join(root, dir), { recursive: true, force: true });
await Promise.all(
  entries
    .filter((e) => existsSync(path.join(root, e.src)))
    .map((e) =>
      build({
        entryPoints: [path.join(root, e.src)],
        outfile: path.join(root, e.out),
        bundle: true,
        platform: "node",
        target: "node20",
        format: e.format,
        ...(e.bundlePackages ? {} : { packages: "external" }),
        external: ["electron"],
        sourcemap: !e.bundlePackages,
        minify: Boolean(e.bundlePackages),
        logLevel: "warning",
      }),
    ),
);

if (!nodeOnly && existsSync(path.join(root, "renderer/index.html"))) {
  const { build: viteBuild } = await import("vite");
  await viteBuild({ configFile: path.join(root, "vite.config.ts"), logLevel: "warn" });
}
console.log(`draftline: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
