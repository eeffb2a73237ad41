// `npm test`: every check a change must pass, in order — type check, lint, the Electron security audit,
// build, unit tests, model tests, end-to-end tests in Chromium. All steps run; the exit code is non-zero if any failed.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const npx = process.platform === "win32" ? "npx.cmd" : "npx";
const only = process.argv.slice(2);

const steps = [
  ["typecheck", [npx, "tsc", "-p", "tsconfig.json"], [npx, "tsc", "-p", "tsconfig.common.json"], [npx, "tsc", "-p", "tsconfig.renderer.json"], [npx, "tsc", "-p", "tsconfig.e2e.json"]],
  ["lint", [npx, "eslint", "."]],
  ["audit", [process.execPath, "scripts/audit-electron.mjs"]],
  ["build", [process.execPath, "scripts/build.mjs"]],
  ["unit", [npx, "vitest", "run", "--project", "unit"]],
  ["model", [npx, "vitest", "run", "--project", "model"]],
  ["e2e", [npx, "playwright", "test"]],
];

const results = [];
for (const [name, ...commands] of steps) {
  if (only.length > 0 && !only.includes(name)) continue;
  if (name === "e2e" && !existsSync(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium")) {
    console.error("\nThe end-to-end tests need Chromium at /usr/bin/chromium (Debian: apt-get install chromium), or CHROMIUM_PATH set.");
    results.push([name, false]);
    continue;
  }
  console.log(`\n=== ${name} ===`);
  let ok = true;
  for (const [command, ...args] of commands) {
    const run = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, FORCE_COLOR: process.env.CI ? "0" : process.env.FORCE_COLOR } });
    if (run.status !== 0) ok = false;
  }
  results.push([name, ok]);
}

console.log("\n=== summary ===");
for (const [name, ok] of results) console.log(`${ok ? "ok  " : "FAIL"}  ${name}`);
const failed = results.filter(([, ok]) => !ok).map(([name]) => name);
if (failed.length > 0) {
  console.log(`npm test failed: ${failed.join(", ")}`);
  process.exit(1);
}
console.log("npm test: every step passed");
