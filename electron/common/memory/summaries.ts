// What stands for steps that left the model's window: each step's summary (who, what, where, what is
// left open), written by the model when the step leaves the window, or taken from its reflection, or
// written by the writer; and a digest of the story so far once the summaries themselves outgrow their
// share of the window. The requests the model is asked, and how its answers are read.
import { findProtocolTag } from "../iscot/tags";
import type { Step } from "../manuscript/types";

/** The most words a summary keeps. */
export const SUMMARY_WORDS = 80;
/** The most words the digest of the story so far keeps. */
export const DIGEST_WORDS = 160;
/** Tokens a summary request may generate. */
export const SUMMARY_TOKENS = 200;
/** Tokens a digest request may generate. */
export const DIGEST_TOKENS = 360;

/**
 * A model's summary as it is kept: one paragraph, no protocol tags, no brackets that would close the
 * note it stands in, at most `words` words (cut at a sentence end when there is one).
 */
export function cleanSummary(text: string, words = SUMMARY_WORDS): string {
  let t = text.replace(/<\/?[a-z_]+>/gi, " ");
  for (let tag = findProtocolTag(t); tag; tag = findProtocolTag(t)) t = t.replace(tag.tag, " ");
  t = t.replace(/[[\]]/g, "").replace(/\s+/g, " ").trim();
  const parts = t.split(" ");
  if (parts.length <= words) return t;
  const cut = parts.slice(0, words).join(" ");
  const end = Math.max(cut.lastIndexOf(". "), cut.lastIndexOf("! "), cut.lastIndexOf("? "), cut.lastIndexOf("。"));
  return end > cut.length / 2 ? cut.slice(0, end + 1) : `${cut}…`;
}

/** A reflection as a summary: without the progress line the controller wrote at its top. */
export function summaryFromReflection(step: Pick<Step, "reflection">): string | null {
  const lines = step.reflection.split("\n").filter((l) => !/^(word count|字数|已完成)/i.test(l.trim()));
  const text = cleanSummary(lines.join(" "));
  return text === "" ? null : text;
}

/** A step's opening words, to name it in a request. */
function opening(step: Pick<Step, "content">): string {
  const words = step.content.replace(/\s+/g, " ").trim().split(" ").slice(0, 8).join(" ");
  return words.replace(/[[\]"“”]/g, "");
}

/** What the model is asked, in prose: the summary of step `number` (1-based). */
export function summaryAsk(number: number, step: Pick<Step, "content">, language: "en" | "zh"): string {
  return language === "zh"
    ? `请为第${number}步（开头是“${opening(step)}”）写一段${SUMMARY_WORDS}字以内的摘要，供后文参考：写了谁、发生了什么、在哪里、还有什么悬而未决。只写摘要。`
    : `Summarize step ${number} (it begins "${opening(step)}") for later, in at most ${SUMMARY_WORDS} words: who, what happened, where, and what is left open. Write only the summary.`;
}

/** What the model is asked: one digest of the story so far from the digest and the summaries given. */
export function digestAsk(parts: readonly string[], language: "en" | "zh"): string {
  const list = parts.map((p) => `- ${p}`).join("\n");
  return language === "zh"
    ? `把下面这些摘要合并成一段${DIGEST_WORDS}字以内的“前情提要”，保留人物的名字和特征、地点、以及悬而未决的事：\n${list}\n只写前情提要。`
    : `Merge these summaries into one "story so far" of at most ${DIGEST_WORDS} words. Keep the names and traits of the characters, the places, and what is left open:\n${list}\nWrite only the story so far.`;
}

/** The line that stands for one step in the model's view. */
export function summaryLine(number: number, summary: string, language: "en" | "zh"): string {
  return language === "zh" ? `第${number}步：${summary}` : `Step ${number}: ${summary}`;
}

/**
 * The note that stands for the steps no longer in full view: the digest of the story so far, then a
 * line per step (its summary, or its length where it has none).
 */
export function memoryNote(digest: { throughStep: number; text: string } | null, lines: readonly string[], language: "en" | "zh"): string {
  const parts: string[] = [];
  if (digest) parts.push(language === "zh" ? `前情提要（第1至${digest.throughStep + 1}步）：${digest.text}` : `The story so far (steps 1 to ${digest.throughStep + 1}): ${digest.text}`);
  parts.push(...lines);
  if (parts.length === 0) return "";
  const head = language === "zh" ? "此前的内容（正文不在此处显示）" : "Earlier steps, whose text is not shown here";
  return `[${head}:\n${parts.join("\n")}]`;
}

/** The line for a step with no summary: its length, as compaction always said it. */
export function elidedLine(number: number, words: number, language: "en" | "zh"): string {
  return language === "zh" ? `第${number}步：正文共${words}字，此处省略。` : `Step ${number}: ${words} words, not shown here.`;
}
