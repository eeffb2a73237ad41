// The report of `draftline doctor` and "Check this model" as lines of text: the command line prints
// them, the model manager shows them. How to read it: README, "Checking a model".
import type { DoctorReport } from "../api/models";

/** The report as lines of text, for the command line and the model manager. */
export function formatDoctorReport(r: DoctorReport): string[] {
  const yes = (ok: boolean) => (ok ? "yes" : "NO");
  const lines = [
    `Model         ${r.model}, in the ${r.mode} mode`,
    `Task          ${r.instruction} (${r.targetWords} words)`,
    `Outcome       ${r.outcome.status}: ${r.outcome.words} words. ${r.outcome.reason}`,
    `Tags          followed: ${yes(r.tags.followed)} (${r.tags.detail})`,
    `Repetition    ${r.repetition.cuts === 0 ? "none" : `${r.repetition.cuts} cut${r.repetition.cuts === 1 ? "" : "s"}`} (${r.repetition.detail})`,
    `Thinking      leaked: ${r.thinking.leaked ? "YES" : "no"} (${r.thinking.detail})`,
    `Plan          read: ${yes(r.plan.read)}, budgets given: ${yes(r.plan.budgetsGiven)} (${r.plan.detail})`,
    `Speed         ${r.tokensPerSecond === null ? "too fast to time" : `${r.tokensPerSecond} tokens per second`}`,
    "Steps         (words written / asked for)",
    ...r.steps.map((s) => `  ${String(s.step).padStart(2)}. ${s.section || "(no section)"}: ${s.words} / ${s.asked ?? "?"}${s.ratio === null ? "" : ` (${Math.round(s.ratio * 100)}%)`}`),
    "Requests      (why each stopped: tokens read → written, seconds)",
    ...r.requests.map((q, i) => `  ${String(i + 1).padStart(2)}. ${q.stopReason}${q.stopString ? ` at ${JSON.stringify(q.stopString)}` : ""}: ${q.promptTokens} → ${q.generatedTokens}, ${q.seconds.toFixed(1)} s`),
  ];
  if (r.notes.length > 0) lines.push("Notes", ...r.notes.map((n) => `  · ${n}`));
  return lines;
}
