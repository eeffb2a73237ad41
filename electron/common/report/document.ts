// The document as a reader gets it, as one Markdown text: each section's title as a "## " heading
// where its first step begins, then the steps' text in order. This is the response an evaluation
// scores (the official LongBench-Write scripts count and judge the whole answer, headings included)
// and the text the manuscript report reads.
import type { Manuscript } from "../manuscript/types";

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, " ").trim();

/** The first line of `content` is a heading with this title already (the model wrote it). */
function opensWithHeading(content: string, title: string): boolean {
  const first = /^#{1,6}\s+(.*)$/m.exec(content.split("\n", 1)[0] ?? "");
  return first !== null && oneLine(first[1]!).replace(/[#\s]+$/, "").toLowerCase() === title.toLowerCase();
}

export function documentText(m: Pick<Manuscript, "steps" | "sections" | "revisions">): string {
  const titles = new Map<string, string>();
  for (const revision of m.revisions) for (const s of revision.sections) titles.set(s.id, s.title);
  for (const s of m.sections) titles.set(s.id, s.title);
  const parts: string[] = [];
  const headed = new Set<string>();
  for (const step of m.steps) {
    const content = step.content.trim();
    if (content === "") continue;
    if (step.sectionId !== null && !headed.has(step.sectionId)) {
      headed.add(step.sectionId);
      const title = oneLine(titles.get(step.sectionId) ?? "");
      if (title !== "" && !opensWithHeading(content, title)) parts.push(`## ${title}`);
    }
    parts.push(content);
  }
  return parts.join("\n\n");
}
