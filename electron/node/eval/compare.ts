// Two evaluation runs side by side on the prompts both ran (matched by their position in the data and
// checked to ask for the same length): S_l and S_q per bucket and overall, each quality dimension,
// and the per-item differences, so a change of mode, model or sampling is judged on the same prompts.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { dimensionLabel, QUALITY_DIMENSIONS, qualityScore, type DimensionScores, type QualityDimension } from "../../common/metrics/quality";
import type { LengthBucket } from "../../common/metrics/score";
import { BUCKETS, readRecords, ResultsError, type EvalRecord } from "./results";

export interface RunFile {
  file: string;
  records: EvalRecord[];
  /** From the run's .summary.json when it is there: how it ran. */
  description: string | null;
}

async function describeRun(file: string): Promise<string | null> {
  const summary = file.replace(/\.jsonl?$/, "") + ".summary.json";
  try {
    const s = JSON.parse(await readFile(summary, "utf8")) as Record<string, unknown>;
    const judge = (s.quality as { judge?: unknown } | null | undefined)?.judge;
    const parts = [
      typeof s.model === "string" ? s.model : null,
      s.prompting === "raw" ? "raw prompt" : s.prompting === "draftline" ? `Draftline prompting${typeof s.mode === "string" ? `, ${s.mode} mode` : ""}` : typeof s.mode === "string" ? `${s.mode} mode` : null,
      typeof s.sampling === "string" ? s.sampling : null,
      typeof judge === "string" ? `judge ${judge}` : null,
    ].filter((p): p is string => p !== null);
    return parts.length > 0 ? parts.join("; ") : null;
  } catch {
    return null;
  }
}

export async function readRun(file: string): Promise<RunFile> {
  return { file, records: await readRecords(file), description: await describeRun(file) };
}

interface Pair {
  a: EvalRecord;
  b: EvalRecord;
}

const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length);
const num = (x: number | null, width = 7) => (x === null ? "—" : x.toFixed(2)).padStart(width);
const delta = (a: number | null, b: number | null, width = 7) => (a === null || b === null ? "—" : `${b - a >= 0 ? "+" : ""}${(b - a).toFixed(2)}`).padStart(width);

function quality(records: EvalRecord[]): ReturnType<typeof qualityScore> {
  return qualityScore(records.flatMap((r) => (r.judge?.scores ? [r.judge.scores as DimensionScores] : [])));
}

function itemQuality(r: EvalRecord): number | null {
  return r.judge?.scores ? qualityScore([r.judge.scores as DimensionScores])!.score : null;
}

/** Matches the two runs' items; prompts at the same position must ask for the same length. */
export function pairRuns(a: RunFile, b: RunFile): { pairs: Pair[]; onlyA: number[]; onlyB: number[] } {
  const byIndex = new Map(b.records.map((r) => [r.index, r]));
  const pairs: Pair[] = [];
  const onlyA: number[] = [];
  for (const ra of a.records) {
    const rb = byIndex.get(ra.index);
    if (!rb) {
      onlyA.push(ra.index);
      continue;
    }
    if (rb.required !== ra.required) {
      throw new ResultsError(`Item ${ra.index} asks for ${ra.required} words in ${path.basename(a.file)} and ${rb.required} in ${path.basename(b.file)}: the runs are not on the same prompts.`);
    }
    pairs.push({ a: ra, b: rb });
    byIndex.delete(ra.index);
  }
  return { pairs, onlyA, onlyB: [...byIndex.keys()].sort((x, y) => x - y) };
}

/** The comparison as text, for the terminal. */
export function compareRuns(a: RunFile, b: RunFile): string {
  const { pairs, onlyA, onlyB } = pairRuns(a, b);
  if (pairs.length === 0) throw new ResultsError(`${path.basename(a.file)} and ${path.basename(b.file)} have no prompt in common.`);
  const out: string[] = [];
  out.push(`A: ${a.file}${a.description ? `\n   ${a.description}` : ""}`);
  out.push(`B: ${b.file}${b.description ? `\n   ${b.description}` : ""}`);
  out.push(`On the ${pairs.length} prompts both ran${onlyA.length || onlyB.length ? ` (only in A: ${onlyA.length}, only in B: ${onlyB.length})` : ""}. Δ = B − A.`);
  out.push("");

  const groups: { label: string; pairs: Pair[] }[] = [...BUCKETS.map((bucket: LengthBucket) => ({ label: bucket, pairs: pairs.filter((p) => p.a.bucket === bucket) })), { label: "all", pairs }];
  const judged = pairs.some((p) => p.a.judge?.scores || p.b.judge?.scores);
  out.push(`${"bucket".padEnd(8)}${"items".padStart(6)}${"S_l A".padStart(9)}${"S_l B".padStart(8)}${"Δ".padStart(8)}${judged ? `${"S_q A".padStart(9)}${"S_q B".padStart(8)}${"Δ".padStart(8)}${"total A".padStart(9)}${"total B".padStart(8)}${"Δ".padStart(8)}` : ""}`);
  for (const g of groups) {
    if (g.pairs.length === 0) continue;
    const la = mean(g.pairs.map((p) => p.a.score));
    const lb = mean(g.pairs.map((p) => p.b.score));
    let line = `${g.label.padEnd(8)}${String(g.pairs.length).padStart(6)}  ${num(la)} ${num(lb)} ${delta(la, lb)}`;
    if (judged) {
      const qa = quality(g.pairs.map((p) => p.a))?.score ?? null;
      const qb = quality(g.pairs.map((p) => p.b))?.score ?? null;
      const ta = la !== null && qa !== null ? (la + qa) / 2 : null;
      const tb = lb !== null && qb !== null ? (lb + qb) / 2 : null;
      line += `  ${num(qa)} ${num(qb)} ${delta(qa, qb)}  ${num(ta)} ${num(tb)} ${delta(ta, tb)}`;
    }
    out.push(line);
  }

  if (judged) {
    const judgedA = pairs.filter((p) => p.a.judge?.scores).length;
    const judgedB = pairs.filter((p) => p.b.judge?.scores).length;
    out.push("");
    out.push(`Quality dimensions (0-100; judged: A ${judgedA}, B ${judgedB} of ${pairs.length})`);
    const present = groups.filter((g) => g.pairs.length > 0);
    out.push(`${"dimension".padEnd(11)}${"A".padStart(8)}${"B".padStart(8)}${"Δ".padStart(8)}   Δ per bucket: ${present.filter((g) => g.label !== "all").map((g) => g.label.padStart(7)).join(" ")}`);
    for (const d of QUALITY_DIMENSIONS) {
      const dim = (records: EvalRecord[]) => quality(records)?.dimensions[d as QualityDimension] ?? null;
      const all = groups[groups.length - 1]!;
      const da = dim(all.pairs.map((p) => p.a));
      const db = dim(all.pairs.map((p) => p.b));
      const perBucket = present.filter((g) => g.label !== "all").map((g) => delta(dim(g.pairs.map((p) => p.a)), dim(g.pairs.map((p) => p.b))));
      out.push(`${dimensionLabel(d).padEnd(11)}${num(da, 8)}${num(db, 8)}${delta(da, db, 8)}                 ${perBucket.join(" ")}`);
    }
  }

  out.push("");
  out.push(`Per item${judged ? " (S_q of one item: its six scores on the 0-100 scale)" : ""}`);
  out.push(`${"item".padStart(5)}${"required".padStart(10)}${"words A".padStart(9)}${"words B".padStart(9)}${"S_l A".padStart(8)}${"S_l B".padStart(8)}${"Δ".padStart(8)}${judged ? `${"S_q A".padStart(8)}${"S_q B".padStart(8)}${"Δ".padStart(8)}` : ""}  status A / B`);
  let better = 0;
  let worse = 0;
  for (const { a: ra, b: rb } of [...pairs].sort((x, y) => x.a.index - y.a.index)) {
    if (rb.score > ra.score) better++;
    else if (rb.score < ra.score) worse++;
    let line = `${String(ra.index).padStart(5)}${String(ra.required).padStart(10)}${String(ra.produced).padStart(9)}${String(rb.produced).padStart(9)}${num(ra.score, 8)}${num(rb.score, 8)}${delta(ra.score, rb.score, 8)}`;
    if (judged) line += `${num(itemQuality(ra), 8)}${num(itemQuality(rb), 8)}${delta(itemQuality(ra), itemQuality(rb), 8)}`;
    out.push(`${line}  ${ra.status} / ${rb.status}`);
  }
  out.push("");
  out.push(`S_l: B is higher on ${better} prompts, lower on ${worse}, equal on ${pairs.length - better - worse}.`);
  return out.join("\n");
}
