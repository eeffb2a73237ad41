// Scores a LongBench-Write results file (one JSON object a line, as `draftline eval longbench-write
// --out` writes it) when the run was split or resumed across processes: the mean length score S_l
// overall and per bucket, over every row, written beside the file as .summary.json.
//
//   node scripts/eval-summary.mjs bench/results/eval-longbench-write-tiny.jsonl [--note "…"]
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { note: { type: "string" }, model: { type: "string" }, context: { type: "string" } } });
const file = positionals[0];
if (!file) {
  console.error("Usage: node scripts/eval-summary.mjs RESULTS.jsonl [--note TEXT] [--model NAME] [--context N]");
  process.exit(2);
}
const rows = readFileSync(file, "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l, i) => {
    const row = JSON.parse(l);
    if (typeof row.score !== "number" || typeof row.bucket !== "string" || row.placeholder) throw new Error(`${file} line ${i + 1} is not a scored item.`);
    return row;
  });
const indexes = rows.map((r) => r.index);
const missing = [];
for (let i = 1; i <= Math.max(...indexes); i++) if (!indexes.includes(i)) missing.push(i);
if (missing.length > 0 || new Set(indexes).size !== indexes.length) throw new Error(`${file}: items missing (${missing.join(", ")}) or repeated.`);

const mean = (xs) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
const buckets = Object.fromEntries(
  ["0-500", "500-2k", "2k-4k", "4k-20k"].map((b) => {
    const scores = rows.filter((r) => r.bucket === b).map((r) => r.score);
    return [b, { items: scores.length, score: mean(scores) }];
  }),
);
const summary = {
  benchmark: "longbench-write",
  ...(values.model ? { model: values.model } : {}),
  ...(values.context ? { contextSize: Number(values.context) } : {}),
  items: rows.length,
  score: mean(rows.map((r) => r.score)),
  buckets,
  minimum: Math.min(...rows.map((r) => r.score)),
  finished: rows.filter((r) => r.status === "finished").length,
  stopped: rows.filter((r) => r.status !== "finished").map((r) => ({ index: r.index, status: r.status, error: r.error ?? null })),
  wordsRequired: rows.reduce((n, r) => n + r.required, 0),
  wordsProduced: rows.reduce((n, r) => n + r.produced, 0),
  secondsOfGeneration: Math.round(rows.reduce((n, r) => n + (r.seconds ?? 0), 0)),
  ...(values.note ? { note: values.note } : {}),
};
const out = file.replace(/\.jsonl?$/, "") + ".summary.json";
writeFileSync(out, JSON.stringify(summary, null, 2) + "\n");
console.log(`S_l over ${rows.length} prompts: ${summary.score.toFixed(2)}`);
for (const [b, e] of Object.entries(buckets)) console.log(`  ${b.padEnd(7)} ${String(e.items).padStart(4)} prompts  ${e.score === null ? "—" : e.score.toFixed(2)}`);
console.log(`Summary: ${out}`);
