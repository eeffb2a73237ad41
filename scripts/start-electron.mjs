// `npm start`: launches the desktop app. The `electron` package fetches its runtime on first run;
// where that cannot happen (no network), say so plainly and point at web mode.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const electronDir = path.join(root, "node_modules", "electron");

function electronBinary() {
  const pathFile = path.join(electronDir, "path.txt");
  if (!existsSync(pathFile)) return undefined;
  const binary = path.join(electronDir, "dist", readFileSync(pathFile, "utf8").trim());
  return existsSync(binary) ? binary : undefined;
}

let binary = electronBinary();
if (!binary && existsSync(path.join(electronDir, "install.js"))) {
  console.log("Downloading the Electron runtime (first run only)…");
  const install = spawnSync(process.execPath, [path.join(electronDir, "install.js")], { encoding: "utf8", timeout: 10 * 60_000 });
  binary = electronBinary();
  const reason = `${install.stderr ?? ""}\n${install.stdout ?? ""}`.split("\n").find((line) => /error/i.test(line));
  if (!binary && reason) console.error(`The download failed: ${reason.trim()}`);
}
if (!binary) {
  console.error(
    [
      "",
      "Draftline could not start its desktop window: the Electron runtime is not installed and could not be",
      "downloaded (is this machine offline?). Try again with a network connection, or use web mode, which",
      "needs no download and runs the same app in your browser:",
      "",
      "    npm run serve        (or: npx draftline serve)",
      "",
    ].join("\n"),
  );
  process.exit(1);
}
const child = spawn(binary, [root], { stdio: "inherit" });
child.on("exit", (code) => process.exit(code ?? 0));
