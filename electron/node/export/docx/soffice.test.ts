import { execFile, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { Lexer, type Token } from "marked";
import { describe, expect, it } from "vitest";
import type { ExportDocument } from "../document";
import { buildMarkdown } from "../markdown/build";
import { buildDocx } from "./build";

// LibreOffice reads the .docx as Word would and gives its text; it is not part of the project's
// dependencies, so this check runs only on machines where `soffice` is installed.
const hasSoffice = spawnSync("soffice", ["--version"], { stdio: "ignore" }).status === 0;

const doc: ExportDocument = {
  title: "The Lighthouse 灯塔",
  instruction: "",
  language: "en",
  target: 2000,
  words: 120,
  model: null,
  mode: null,
  sections: [
    {
      title: "Arrival",
      brief: "",
      budget: 1000,
      words: 60,
      steps: [
        { number: 1, plan: "", reflection: "", words: 30, content: "The keeper came **at dusk** and *alone*, carrying `rope` &amp; salt.\nHe climbed.\n\n# The tower\n\n1. climb the stairs\n2. light the lamp\n\n- salt\n- rope\n  - knots\n\n> The sea keeps what it takes." },
        { number: 2, plan: "", reflection: "", words: 30, content: "守塔人独自来到了海边。他点亮了灯。\n\n## Night\n\nThe light turned ~~slowly~~ all night." },
      ],
    },
    { title: "The storm", brief: "", budget: 1000, words: 60, steps: [{ number: 3, plan: "", reflection: "", words: 60, content: "Waves rose [over the rocks](https://example.com).\n\n3. third\n4. fourth" }] },
  ],
  plan: [],
};

/** The words of a text in order: runs of letters and digits, each CJK character a word of its own. */
function words(text: string): string[] {
  return text.match(/[\p{Script=Han}]|[\p{L}\p{N}]+/gu) ?? [];
}

function markdownText(tokens: Token[]): string {
  return tokens
    .map((t) => {
      const inner = (t as { tokens?: Token[] }).tokens;
      const items = (t as { items?: { tokens: Token[] }[] }).items;
      if (items) return items.map((i) => markdownText(i.tokens)).join("\n");
      if (inner) return markdownText(inner);
      if (t.type === "space") return "\n";
      return (t as { text?: string }).text ?? "";
    })
    .join(" ");
}

describe("DOCX export read by LibreOffice", () => {
  it.skipIf(!hasSoffice)("has the same text as the Markdown export", { timeout: 90_000 }, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "draftline-soffice-"));
    try {
      const docx = path.join(dir, "draft.docx");
      await writeFile(docx, await buildDocx(doc));
      const profile = pathToFileURL(path.join(dir, "profile")).href;
      await promisify(execFile)("soffice", [`-env:UserInstallation=${profile}`, "--headless", "--convert-to", "txt:Text", "--outdir", dir, docx], { timeout: 80_000 });
      const fromWord = (await readFile(path.join(dir, "draft.txt"), "utf8"))
        .split("\n")
        .map((line) => line.replace(/^\s*(\d+\.|[a-z]\.|[•◦▪])\s+/, ""))
        .join("\n");
      const markdown = buildMarkdown(doc, { frontMatter: false }).replace(/&amp;/g, "&");
      const fromMarkdown = markdownText(new Lexer({ gfm: true }).lex(markdown));
      expect(words(fromWord)).toEqual(words(fromMarkdown));
      expect(words(fromWord)).toContain("守");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
