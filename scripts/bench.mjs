// `npm run bench [name ...]`: bundles each bench/<name>.bench.ts, runs it in its own Node process and
// writes what it returns to bench/results/<name>.json with the machine it ran on.
import { spawnSync } from "node:child_process";
import { mkdir, readdir, writeFile, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
const wanted = process.argv.slice(2);
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
  const script = `const m = await import(${JSON.stringify(bundle)}); const r = await m.default(); (await import("node:fs")).writeFileSync(${JSON.stringify(raw)}, JSON.stringify(r)); process.exit(0);`;
  const run = spawnSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", script], { cwd: root, stdio: "inherit" });
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
