// Security audit of the Electron app with Doyensec's electronegativity, offline:
//
//   node scripts/audit-electron.mjs            scans electron/ and renderer/ (tests left out)
//   node scripts/audit-electron.mjs --all      also lists informational and low findings
//
// Fails (exit 1) on any finding of high or medium severity, and on electronegativity's inline
// `eng-disable` comments, which would hide findings from this report. There is no allowlist: a setting
// the audit cannot read is written where it reads it (the window's webPreferences literally in its
// BrowserWindow constructor, the CSP as a <meta> tag beside the header), so every finding is real.
// Electronegativity fetches translations and Electron's release list from the network; both are
// turned off here (its messages are bundled, and the Electron version is read from node_modules).
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import Module, { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const require = createRequire(import.meta.url);
const INPUTS = ["electron", "renderer"];
const FAILING = new Set(["HIGH", "MEDIUM"]);
/** Downloads Electron's release notes to compare versions: needs the network, and Electron is pinned in package.json. */
const EXCLUDED_CHECKS = ["availablesecurityfixesglobalcheck"];
const SOURCE = /\.(ts|tsx|js|mjs|cjs|jsx|html)$/;
const TEST = /\.test\.tsx?$/;

/** Makes `require("got")` inside electronegativity fail at once: no request ever leaves the machine. */
function cutNetwork() {
  const runner = require.resolve("@doyensec/electronegativity");
  const gotPath = require.resolve("got", { paths: [path.dirname(runner)] });
  const offline = () => Promise.reject(new Error("offline: the audit makes no network requests"));
  const stub = new Module(gotPath);
  stub.filename = gotPath;
  stub.loaded = true;
  stub.exports = Object.assign(offline, { default: offline, get: offline });
  require.cache[gotPath] = stub;
}

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "node_modules") out.push(...sourceFiles(full));
    else if (entry.isFile() && SOURCE.test(entry.name) && !TEST.test(entry.name)) out.push(full);
  }
  return out;
}

/** A finding's line of code, to show with it. */
function lineOf(file, line) {
  try {
    return readFileSync(path.join(root, file), "utf8").split("\n")[line - 1] ?? "";
  } catch {
    return "";
  }
}

/**
 * Runs electronegativity once over the app's sources, copied (tests left out) into a scratch folder
 * with the repository's layout: its whole-app checks (CSP, navigation limits, permission handler)
 * must see the main process and the renderer together.
 */
async function scan(run, files, electronVersion) {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "draftline-audit-"));
  // electronegativity prints progress and translation notices through console.log; keep the report clean.
  const log = console.log;
  try {
    for (const file of files) cpSync(file, path.join(scratch, path.relative(root, file)));
    console.log = () => {};
    return await run({
      input: scratch,
      isRelative: true,
      electronVersionOverride: electronVersion,
      excludeFromScan: EXCLUDED_CHECKS,
      customScan: [],
      parserPlugins: [],
    });
  } finally {
    console.log = log;
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main() {
  const showAll = process.argv.includes("--all");
  const started = Date.now();
  process.env.LANG = "en-US";
  cutNetwork();
  const run = require("@doyensec/electronegativity");
  const electronVersion = JSON.parse(readFileSync(path.join(root, "node_modules/electron/package.json"), "utf8")).version;
  const problems = [];

  const files = INPUTS.flatMap((input) => sourceFiles(path.join(root, input)));
  for (const file of files) {
    if (/eng-disable/.test(readFileSync(file, "utf8"))) problems.push(`${path.relative(root, file)}: an 'eng-disable' comment hides findings; fix what it reports instead`);
  }

  const result = await scan(run, files, electronVersion);
  for (const error of result.errors.filter((e) => !e.tolerable)) problems.push(`electronegativity could not parse ${error.file}: ${error.message}`);
  const findings = result.issues.map((issue) => {
    const global = issue.file === "N/A" || !issue.file;
    return {
      id: issue.id,
      severity: issue.severity.name,
      file: global ? "(whole app)" : issue.file.split(path.sep).join("/"),
      line: global ? 0 : issue.location.line,
      description: issue.description,
    };
  });

  for (const finding of findings) {
    const failing = FAILING.has(finding.severity);
    if (!failing && !showAll) continue;
    const where = finding.line ? `${finding.file}:${finding.line}` : finding.file;
    if (failing) {
      const code = finding.line ? lineOf(finding.file, finding.line).trim() : "";
      problems.push(`${finding.severity} ${finding.id} at ${where}: ${finding.description}`);
      console.log(`FAIL  ${finding.severity.padEnd(6)} ${finding.id} ${where}\n      ${finding.description}${code ? `\n      > ${code}` : ""}`);
    } else {
      console.log(`info  ${finding.severity.padEnd(6)} ${finding.id} ${where}`);
    }
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (problems.length > 0) {
    console.error(`\nElectron security audit failed (${seconds} s):`);
    for (const problem of problems) console.error(`  - ${problem}`);
    console.error("\nFix the code: write a setting where the audit can read it (there is no allowlist).");
    process.exit(1);
  }
  console.log(`\nElectron security audit passed in ${seconds} s: no high or medium findings (${INPUTS.join(", ")}; electronegativity, Electron ${electronVersion}).`);
}

main().catch((error) => {
  console.error(`The Electron security audit could not run: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
