// Transcripts shaped to find work that grows faster than the text: each once took time quadratic (or
// worse) in its size. Used by the scale tests (13 MB each) and bench/parser.bench.ts (sizes doubled).

/** One word of filler per index, so that steps and sections differ. */
export const FILLER = "Tea crossed the mountains on the backs of porters, and every town along the road kept a little of it";

/** `n` tiny steps: the reducer copied every step, and summed every earlier step, for each new one. */
export function tinySteps(n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push("<step_plan>p</step_plan><content>w x</content><reflection></reflection>\n");
  return parts.join("");
}

/** `n` `<content>` tags each opened inside the last, then `n` closing tags: a step per tag, three warnings each. */
export function nestedContent(n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(`<content>${FILLER} ${i}\n`);
  parts.push("</content>".repeat(n));
  return parts.join("");
}

/**
 * A global plan of `n` sections ("## Section i", a budget, a brief), then one step per 100 sections,
 * each naming a section by title: the plan draft copied its sections for each new one, and each step
 * searched every title in its plan.
 */
export function bigPlan(n: number): string {
  const parts = ["<global_plan>\n"];
  for (let i = 1; i <= n; i++) parts.push(`## Section ${i}\nWord count: 100\nWhat the merchants carried along road ${i}, what they sold and what they drank on the way.\n`);
  parts.push("</global_plan>\n");
  for (let k = 0; k < n / 100; k++) parts.push(`<step_plan>Write Section ${namedSection(k, n)} now.</step_plan><content>${FILLER}.</content><reflection>ok</reflection>\n`);
  parts.push("<FINISHED>");
  return parts.join("");
}

/** The section the k-th step of bigPlan(n) names (from 1). */
export function namedSection(k: number, n: number): number {
  return ((k * 7919) % n) + 1;
}

/**
 * Plan lines and a reflection with runs of `n` spaces and digits inside them: a run of spaces between
 * words made the plan's and the progress's regular expressions backtrack quadratically (or cubically).
 */
export function longLines(n: number): string {
  const spaces = " ".repeat(n);
  const digits = "1".repeat(n);
  return [
    "<global_plan>",
    `1. Intro${spaces}x (100 words)`,
    `## Body${spaces}b ${spaces}#`,
    `- Word count:${spaces}words${spaces}total`,
    `2. End (200 words):${"-".repeat(n)}x`,
    "</global_plan>",
    `<step_plan>Intro, about${spaces}300 words${spaces}x</step_plan>`,
    `<content>${FILLER}</content>`,
    `<reflection>word${spaces}count: 1${spaces}/2 ${digits}x 已完成${spaces}1字${spaces}目标${spaces}x</reflection>`,
    "<FINISHED>",
  ].join("\n");
}

/** `n` plan revisions, a step after each: each revision replayed every step before it. */
export function manyRevisions(n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    parts.push(`<global_plan>\n1. Part ${i} (10 words)\n2. Body (10 words)\n</global_plan>\n`, `<step_plan>Body</step_plan><content>w w</content><reflection>r</reflection>\n`);
  }
  return parts.join("");
}

/** The shapes by name, each taking its count. */
export const ADVERSARIAL_SHAPES = { tinySteps, nestedContent, bigPlan, longLines, manyRevisions } as const;
