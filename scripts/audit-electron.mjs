// Security audit of the Electron app with Doyensec's electronegativity, offline:
//
//   node scripts/audit-electron.mjs            scans electron/ and renderer/ (tests left out)
//   node scripts/audit-electron.mjs --all      also lists informational and low findings
//
// Fails (exit 1) on any finding of high or medium severity that build/electronegativity-allowlist.json
// does not explain, on an allowlist entry that no longer matches anything (remove it), and on
// electronegativity's inline `eng-disable` comments, which would hide findings from this report.
// Electronegativity fetches translations and Electron's release list from the network; both are
// turned off here (its messages are bundled, and the Electron version is read from node_modules).
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import Module, { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const require = createRequire(import.meta.url);
const INPUTS = ["electron", "renderer"];
const ALLOWLIST = "build/electronegativity-allowlist.json";
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

function loadAllowlist() {
  const file = path.join(root, ALLOWLIST);
  const data = JSON.parse(readFileSync(file, "utf8"));
  const entries = data.findings;
  if (!Array.isArray(entries)) throw new Error(`${ALLOWLIST}: expected { "findings": [...] }`);
  for (const [index, entry] of entries.entries()) {
    for (const key of ["check", "file", "reason"]) {
      if (typeof entry[key] !== "string" || entry[key].trim() === "") throw new Error(`${ALLOWLIST}: finding ${index + 1} needs a "${key}"`);
    }
    if (entry.reason.trim().length < 20) throw new Error(`${ALLOWLIST}: finding ${index + 1} (${entry.check}) needs a real reason`);
  }
  return entries.map((entry) => ({ ...entry, used: 0 }));
}

/** Lines of a finding's file from its line on, to check an allowlist entry's `code` and `near`. */
function linesFrom(file, line, count) {
  try {
    return readFileSync(path.join(root, file), "utf8").split("\n").slice(line - 1, line - 1 + count);
  } catch {
    return [];
  }
}

/** Whether an allowlist entry explains a finding: same check and file, and its code claims hold. */
function explains(entry, finding) {
  if (entry.check !== finding.id || entry.file !== finding.file) return false;
  const lines = finding.line ? linesFrom(finding.file, finding.line, 15) : [];
  if (entry.code && !(lines[0] ?? "").includes(entry.code)) return false;
  if (entry.near && !lines.some((line) => line.includes(entry.near))) return false;
  return true;
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
  const allowlist = loadAllowlist();
  const problems = [];

  const files = INPUTS.flatMap((input) => sourceFiles(path.join(root, input)));
  for (const file of files) {
    if (/eng-disable/.test(readFileSync(file, "utf8"))) problems.push(`${path.relative(root, file)}: an 'eng-disable' comment hides findings; explain them in ${ALLOWLIST} instead`);
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

  let explained = 0;
  for (const finding of findings) {
    const failing = FAILING.has(finding.severity);
    if (!failing && !showAll) continue;
    const where = finding.line ? `${finding.file}:${finding.line}` : finding.file;
    const code = finding.line ? (linesFrom(finding.file, finding.line, 1)[0] ?? "") : "";
    const entry = allowlist.find((e) => explains(e, finding));
    if (entry) {
      entry.used++;
      explained++;
      console.log(`ok    ${finding.severity.padEnd(6)} ${finding.id} ${where}\n      allowlisted: ${entry.reason}`);
    } else if (failing) {
      problems.push(`${finding.severity} ${finding.id} at ${where}: ${finding.description}`);
      console.log(`FAIL  ${finding.severity.padEnd(6)} ${finding.id} ${where}\n      ${finding.description}${code ? `\n      > ${code.trim()}` : ""}`);
    } else {
      console.log(`info  ${finding.severity.padEnd(6)} ${finding.id} ${where}`);
    }
  }
  for (const entry of allowlist.filter((e) => e.used === 0)) {
    problems.push(`${ALLOWLIST}: the entry for ${entry.check} in ${entry.file}${entry.code ? ` (${entry.code})` : ""} explains no finding: remove it, or update its code/near if the code moved`);
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (problems.length > 0) {
    console.error(`\nElectron security audit failed (${seconds} s):`);
    for (const problem of problems) console.error(`  - ${problem}`);
    console.error(`\nFix the code, or explain a finding in ${ALLOWLIST} ({ "check", "file", "code", "near", "reason" }).`);
    process.exit(1);
  }
  console.log(`\nElectron security audit passed in ${seconds} s: ${findings.filter((f) => FAILING.has(f.severity)).length} high or medium findings, all ${explained === 0 ? "absent" : "explained"} (${INPUTS.join(", ")}; electronegativity, Electron ${electronVersion}).`);
}

main().catch((error) => {
  console.error(`The Electron security audit could not run: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
