// The manuscript report as text, for `draftline report`.
import type { JudgeReport } from "../../common/api/report";
import { dimensionLabel, QUALITY_DIMENSIONS } from "../../common/metrics/quality";
import type { ManuscriptReport } from "../../common/report/report";

const fmt = (n: number) => n.toLocaleString("en-US");
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function bar(words: number, budget: number, width = 20): string {
  if (budget <= 0) return " ".repeat(width + 2);
  const filled = Math.min(width, Math.round((words / budget) * width));
  const over = words > budget * 1.1 ? "+" : " ";
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]${over}`;
}

export function formatReport(title: string, r: ManuscriptReport, judge?: JudgeReport | null, stockPhraseCount?: number): string {
  const out: string[] = [];
  out.push(`${title}: ${fmt(r.words)}${r.target !== null ? ` of ${fmt(r.target)}` : ""} words${r.score !== null ? `, length score ${r.score.toFixed(1)}` : ""}`);
  out.push("");
  out.push("Sections: words against budget, and the length score of that");
  if (r.sections.length === 0) out.push("  (no plan yet)");
  const width = Math.min(40, Math.max(8, ...r.sections.map((s) => s.title.length)));
  r.sections.forEach((s, i) => {
    const title = s.title.length > width ? `${s.title.slice(0, width - 1)}…` : s.title.padEnd(width);
    out.push(`  ${String(i + 1).padStart(2)}  ${title}  ${fmt(s.words).padStart(7)} / ${(s.budget > 0 ? fmt(s.budget) : "—").padStart(7)}  ${bar(s.words, s.budget)} ${s.score === null ? "   —" : s.score.toFixed(1).padStart(5)}`);
  });
  if (r.otherWords > 0) out.push(`      ${"(in no section)".padEnd(width)}  ${fmt(r.otherWords).padStart(7)}`);
  out.push("");
  const rep = r.repetition;
  out.push(`Repetition: ${pct(rep.share)} of the ${fmt(rep.ngrams)} ${rep.n}-word n-grams repeat one seen earlier.`);
  if (rep.perStep.length > 0) {
    out.push(`  ${"step".padStart(4)}  ${"n-grams".padStart(7)}  repeated`);
    for (const s of rep.perStep) out.push(`  ${String(s.step).padStart(4)}  ${fmt(s.ngrams).padStart(7)}  ${pct(s.share).padStart(7)}${s.share >= 0.2 ? "  ← high" : ""}`);
  }
  if (rep.top.length > 0) out.push(`  Most repeated: ${rep.top.slice(0, 5).map((t) => `"${t.phrase}" ×${t.count}`).join(", ")}`);
  out.push("");
  if (r.stockPhrases.length === 0) out.push(`Stock phrases: none found${stockPhraseCount !== undefined ? ` (of ${stockPhraseCount} in the list)` : ""}.`);
  else {
    out.push(`Stock phrases found${stockPhraseCount !== undefined ? ` (of ${stockPhraseCount} in the list)` : ""}:`);
    for (const h of r.stockPhrases) out.push(`  "${h.phrase}" ×${h.count} (step${h.steps.length === 1 ? "" : "s"} ${h.steps.join(", ")})`);
  }
  if (judge) {
    out.push("");
    if (judge.dimensions && judge.scores && judge.score !== null) {
      out.push(`Quality (judge ${judge.judge}): S_q ${judge.score.toFixed(1)}`);
      out.push(`  ${QUALITY_DIMENSIONS.map((d) => `${dimensionLabel(d)} ${judge.scores![d]}/5`).join(" · ")}`);
      if (judge.analysis) out.push(`  "${judge.analysis}"`);
    } else {
      out.push(`Quality (judge ${judge.judge}): no scores: ${judge.error}`);
    }
    if (judge.malformed > 0) out.push(`  (${judge.malformed} malformed answers asked again)`);
    if (judge.note) out.push(`  Note: ${judge.note}.`);
  }
  return out.join("\n");
}
