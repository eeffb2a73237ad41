// `npm run bench [name ...]`: bundles each bench/<name>.bench.ts, runs it in its own Node process and
// writes what it returns to bench/results/<name>.json with the machine it ran on.
import { spawnSync } from "node:child_process";
import { mkdir, readdir, writeFile, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
// Arguments after `--` go to every bench (e.g. `npm run bench speculative -- --model M`).
const dashes = process.argv.indexOf("--");
const wanted = (dashes < 0 ? process.argv.slice(2) : process.argv.slice(2, dashes));
const passThrough = dashes < 0 ? [] : process.argv.slice(dashes + 1);
const names = (await readdir(path.join(root, "bench")))
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.replace(/\.bench\.ts$/, ""))
  .filter((n) => wanted.length === 0 || wanted.includes(n));
if (names.length === 0) {
  console.error(`No benchmark matches ${wanted.join(", ")}.`);
  process.exit(2);
}

await mkdir(path.join(root, "bench/results"), { recursive: true });
await mkdir(path.join(root, "bench/.build"), { recursive: true });
let failed = 0;
for (const name of names) {
  const bundle = path.join(root, "bench/.build", `${name}.mjs`);
  const raw = path.join(root, "bench/.build", `${name}.json`);
  await build({ entryPoints: [path.join(root, "bench", `${name}.bench.ts`)], outfile: bundle, bundle: true, platform: "node", format: "esm", packages: "external", target: "node20", logLevel: "warning" });
  console.log(`\n=== bench ${name} ===`);
  // Each bench runs from a file, never from `node -e`: node-llama-cpp's binding test re-runs the process
  // with its own arguments, and `--input-type=module -e …` makes it find no binary.
  const runner = path.join(root, "bench/.build", `${name}.run.mjs`);
  await writeFile(runner, `import { writeFileSync } from "node:fs";\nconst m = await import(${JSON.stringify(pathToFileURL(bundle).href)});\nconst r = await m.default();\nwriteFileSync(${JSON.stringify(raw)}, JSON.stringify(r));\nprocess.exit(0);\n`);
  const run = spawnSync(process.execPath, ["--expose-gc", runner, ...passThrough], { cwd: root, stdio: "inherit" });
  if (run.status !== 0) {
    failed++;
    console.error(`bench ${name} failed (exit ${run.status})`);
    continue;
  }
  const figures = JSON.parse(await readFile(raw, "utf8"));
  const result = {
    name,
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${process.platform}-${process.arch}` },
    figures,
  };
  await writeFile(path.join(root, "bench/results", `${name}.json`), JSON.stringify(result, null, 2) + "\n");
  console.log(JSON.stringify(figures, null, 2));
}
process.exit(failed > 0 ? 1 : 0);
