// What an import could not bring over as it was, told to the writer instead of lost in silence. Pure:
// the CLI prints these sentences and the window shows its own translation of each kind.
import { z } from "zod";

export const importNoticeKinds = [
  /** Pictures: Draftline keeps text only. */
  "images",
  /** Tables: their cells were kept as paragraphs. */
  "tables",
  /** Word comments: left out. */
  "comments",
  /** Footnotes and endnotes: moved to the end of the draft as a numbered list. */
  "footnotes",
  /** Links: their text was kept, the address left out. */
  "links",
  /** The plan appendix of a Draftline DOCX export: left out (the project's plan is the draft's sections). */
  "planAppendix",
  /** Anything else the reader could not take in (an element it does not know), with its own words. */
  "other",
] as const;
export type ImportNoticeKind = (typeof importNoticeKinds)[number];

export const importNoticeSchema = z.object({
  kind: z.enum(importNoticeKinds),
  /** How many of them. */
  count: z.number().int().positive(),
  /** For `other`: what the reader said, in English. */
  detail: z.string().max(500).optional(),
});
export type ImportNotice = z.infer<typeof importNoticeSchema>;

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** The notice as a sentence for the writer (English; the window translates the kind itself). */
export function describeImportNotice(notice: ImportNotice): string {
  const n = notice.count;
  switch (notice.kind) {
    case "images":
      return `${plural(n, "picture was", "pictures were")} left out: Draftline keeps only text.`;
    case "tables":
      return `${plural(n, "table", "tables")}: the cells were kept as paragraphs.`;
    case "comments":
      return `${plural(n, "comment was", "comments were")} left out.`;
    case "footnotes":
      return `${plural(n, "footnote", "footnotes")}: moved to the end of the draft as a numbered list.`;
    case "links":
      return `${plural(n, "link", "links")}: the text was kept, the address left out.`;
    case "planAppendix":
      return "The plan appendix of a Draftline export was left out: the draft's headings are the plan.";
    case "other":
      return `${plural(n, "part", "parts")} of the document could not be read${notice.detail ? ` (${notice.detail})` : ""}.`;
    default:
      return notice.kind satisfies never;
  }
}
