#!/usr/bin/env node
// The `draftline` command. The code is built into dist/ by `npm run build` (npm install runs it).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/node/cli.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write("draftline: the program is not built yet. Run `npm run build` (or `npm install`) in the project folder first.\n");
  process.exit(1);
}
await import(entry.href);
