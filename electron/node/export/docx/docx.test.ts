import { describe, expect, it } from "vitest";
import type { ExportDocument } from "../document";
import { readZip } from "../testing/zip";
import { buildDocx } from "./build";

const doc: ExportDocument = {
  title: "灯塔 The Lighthouse",
  instruction: "Write a story about a lighthouse keeper.",
  language: "zh",
  target: 3000,
  words: 1234,
  model: "IS-Writer-8B",
  mode: "native",
  sections: [
    {
      title: "Arrival",
      brief: "The keeper arrives.",
      budget: 1000,
      words: 600,
      steps: [
        {
          number: 1,
          plan: "Introduce the keeper.",
          content: "The keeper came **at dusk** and *alone*.\n\n# The tower\n\n## Its lamp\n\n1. climb\n2. light\n\n- salt\n- rope\n  - knots\n\n> The sea keeps what it takes.\n\n守塔人独自来到了海边。",
          reflection: "word count: 600/3000",
          words: 600,
        },
      ],
    },
    { title: "The storm", brief: "", budget: 2000, words: 634, steps: [{ number: 2, plan: "", content: "3. third\n4. fourth\n\nAfter.\n\n1. again", reflection: "", words: 634 }] },
  ],
  plan: [
    { title: "Arrival", brief: "The keeper arrives.", budget: 1000, words: 600 },
    { title: "The storm", brief: "", budget: 2000, words: 634 },
    { title: "Aftermath", brief: "Not written yet.", budget: 500, words: 0 },
  ],
};

async function unpack(options: Parameters<typeof buildDocx>[1] = {}) {
  const files = readZip(await buildDocx(doc, options));
  const text = (name: string) => files.get(name)?.toString("utf8") ?? "";
  return { files, text, body: text("word/document.xml") };
}

/** The paragraphs of document.xml, each as its style id and its text. */
function paragraphs(xml: string): { style: string | null; text: string; xml: string }[] {
  return [...xml.matchAll(/<w:p>([\s\S]*?)<\/w:p>|<w:p [^>]*>([\s\S]*?)<\/w:p>/g)].map((m) => {
    const inner = m[1] ?? m[2] ?? "";
    return { style: /<w:pStyle w:val="([^"]+)"/.exec(inner)?.[1] ?? null, text: [...inner.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(""), xml: inner };
  });
}

describe("DOCX export", () => {
  it("writes the title, sections as Heading 1 and the text's headings as Heading 2 and 3", async () => {
    const { body } = await unpack();
    const ps = paragraphs(body);
    expect(ps[0]).toMatchObject({ style: "Title", text: "灯塔 The Lighthouse" });
    expect(ps.filter((p) => p.style === "Heading1").map((p) => p.text)).toEqual(["Arrival", "The storm"]);
    expect(ps.find((p) => p.text === "The tower")?.style).toBe("Heading2");
    expect(ps.find((p) => p.text === "Its lamp")?.style).toBe("Heading3");
  });

  it("gives Word's heading styles outline levels, so the navigation pane lists them", async () => {
    const { text } = await unpack();
    const styles = text("word/styles.xml");
    for (const [id, level] of [["Heading1", 0], ["Heading2", 1], ["Heading3", 2]] as const) {
      const style = new RegExp(`<w:style [^>]*w:styleId="${id}"[^>]*>([\\s\\S]*?)</w:style>`).exec(styles)?.[1] ?? "";
      expect(style).toContain(`<w:name w:val="Heading ${level + 1}"/>`);
      expect(style).toContain(`<w:outlineLvl w:val="${level}"/>`);
    }
  });

  it("keeps bold and italic runs", async () => {
    const { body } = await unpack();
    expect(body).toMatch(/<w:r><w:rPr><w:b\/><w:bCs\/><\/w:rPr><w:t xml:space="preserve">at dusk<\/w:t><\/w:r>/);
    expect(body).toMatch(/<w:r><w:rPr><w:i\/><w:iCs\/><\/w:rPr><w:t xml:space="preserve">alone<\/w:t><\/w:r>/);
  });

  it("numbers ordered lists, bullets unordered ones, nests levels and restarts each list", async () => {
    const { body, text } = await unpack();
    const ps = paragraphs(body);
    const num = (t: string) => {
      const p = ps.find((x) => x.text === t)?.xml ?? "";
      return { numId: /<w:numId w:val="(\d+)"/.exec(p)?.[1], level: /<w:ilvl w:val="(\d+)"/.exec(p)?.[1] };
    };
    expect(num("climb").numId).toBeDefined();
    expect(num("climb")).toEqual(num("light"));
    expect(num("salt").numId).not.toBe(num("climb").numId);
    expect(num("knots")).toMatchObject({ numId: num("salt").numId, level: "1" });
    // "1. again" is a new list after a paragraph: it must not continue at 5.
    expect(num("again").numId).not.toBe(num("third").numId);
    const numbering = text("word/numbering.xml");
    expect(numbering).toContain('<w:numFmt w:val="decimal"/>');
    expect(numbering).toContain('<w:numFmt w:val="bullet"/>');
    // Each list's first number: Word restarts a w:num at its level-0 startOverride.
    const startOf = (numId: string | undefined) => new RegExp(`<w:num w:numId="${numId}">[\\s\\S]*?<w:lvlOverride w:ilvl="0"><w:startOverride w:val="(\\d+)"/>`).exec(numbering)?.[1];
    expect(startOf(num("climb").numId)).toBe("1");
    expect(startOf(num("third").numId)).toBe("3");
    expect(startOf(num("again").numId)).toBe("1");
  });

  it("sets block quotes in Word's Quote style", async () => {
    const { body } = await unpack();
    expect(paragraphs(body).find((p) => p.text === "The sea keeps what it takes.")?.style).toBe("Quote");
  });

  it("gives CJK text an East Asian font, in the runs and in the document defaults", async () => {
    const { body, text } = await unpack();
    const cjk = paragraphs(body).find((p) => p.text === "守塔人独自来到了海边。");
    expect(cjk?.xml).toContain('w:eastAsia="Noto Serif CJK SC"');
    expect(text("word/styles.xml")).toMatch(/<w:docDefaults>[\s\S]*w:eastAsia="Noto Serif CJK SC"[\s\S]*<\/w:docDefaults>/);
    const { body: japanese } = await unpack({ eastAsiaFont: "MS Mincho" });
    expect(japanese).toContain('w:eastAsia="MS Mincho"');
  });

  it("puts the page number field in the footer", async () => {
    const { text, files } = await unpack();
    const footer = [...files.keys()].find((n) => /^word\/footer\d*\.xml$/.test(n));
    expect(footer).toBeDefined();
    const xml = text(footer ?? "");
    expect(xml).toContain('<w:fldChar w:fldCharType="begin"/>');
    expect(xml).toMatch(/<w:instrText[^>]*>PAGE<\/w:instrText>/);
  });

  it("spaces the title (and every paragraph) with a proportional line rule, so a two-line title does not overprint itself", async () => {
    const { text } = await unpack();
    const styles = text("word/styles.xml");
    const title = /<w:style [^>]*w:styleId="Title"[^>]*>[\s\S]*?<\/w:style>/.exec(styles)?.[0] ?? "";
    const spacing = /<w:spacing [^>]*\/>/.exec(title)?.[0] ?? "";
    expect(spacing).toContain('w:line="240"');
    expect(spacing).toContain('w:lineRule="auto"');
    const defaults = /<w:pPrDefault>[\s\S]*?<\/w:pPrDefault>/.exec(styles)?.[0] ?? "";
    expect(defaults).toMatch(/<w:spacing [^>]*w:line="300"[^>]*w:lineRule="auto"|<w:spacing [^>]*w:lineRule="auto"[^>]*w:line="300"/);
    // No line height anywhere without its rule (read as exact by LibreOffice).
    for (const s of styles.match(/<w:spacing [^>]*\/>/g) ?? []) if (s.includes("w:line=")) expect(s).toContain("w:lineRule=");
  });

  it("records the title and the word count in the document properties", async () => {
    const { text } = await unpack();
    expect(text("docProps/core.xml")).toContain("<dc:title>灯塔 The Lighthouse</dc:title>");
    expect(text("docProps/core.xml")).toContain("1,234 words (target 3,000)");
    expect(text("docProps/custom.xml")).toMatch(/name="Words"[\s\S]*?<vt:lpwstr>1234<\/vt:lpwstr>/);
  });

  it("leaves the plans out unless asked, then adds them as an appendix", async () => {
    const plain = await unpack();
    expect(plain.body).not.toContain("Introduce the keeper.");
    const withPlan = await unpack({ withPlan: true });
    const ps = paragraphs(withPlan.body);
    const appendix = ps.findIndex((p) => p.text === "Appendix: plan and reflections");
    expect(appendix).toBeGreaterThan(ps.findIndex((p) => p.text === "again"));
    expect(ps[appendix]?.style).toBe("Heading1");
    const after = ps.slice(appendix).map((p) => p.text);
    expect(after).toContain("Aftermath: 500 words budgeted, 0 written. Not written yet.");
    expect(after).toContain("Introduce the keeper.");
    expect(after).toContain("word count: 600/3000");
  });

  it("can put the plans and reflections in Word comments on each step's text", async () => {
    const { body, text } = await unpack({ withPlan: true, planPlacement: "comments" });
    expect(body).not.toContain("Appendix: plan and reflections");
    const comments = text("word/comments.xml");
    expect(comments).toContain("Introduce the keeper.");
    expect(comments).toContain("word count: 600/3000");
    const anchored = paragraphs(body).find((p) => p.xml.includes('<w:commentRangeStart w:id="0"/>'));
    expect(anchored?.text).toBe("The keeper came at dusk and alone.");
    expect(anchored?.xml).toContain('<w:commentReference w:id="0"/>');
  });
});
