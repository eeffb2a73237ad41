import { getSchema } from "@tiptap/core";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { findProtocolTag } from "../../../electron/common/iscot/tags";
import { draftExtensions } from "./extensions";
import { parseMarkdown, serializeMarkdown } from "./markdown";

const schema = getSchema(draftExtensions);
const block = (markdown: string) => schema.nodes.stepBlock!.create({ stepId: "step-1" }, parseMarkdown(markdown, schema));
const json = (markdown: string) => parseMarkdown(markdown, schema).map((n) => n.toJSON());
const roundTrip = (markdown: string) => serializeMarkdown(block(markdown));

describe("Markdown → draft nodes", () => {
  it("reads paragraphs, and a single line break inside one as a hard break", () => {
    expect(json("One line\nsame paragraph\n\nNext one")).toEqual([
      { type: "paragraph", content: [{ type: "text", text: "One line" }, { type: "hardBreak" }, { type: "text", text: "same paragraph" }] },
      { type: "paragraph", content: [{ type: "text", text: "Next one" }] },
    ]);
  });

  it("reads headings, emphasis, strong, strike-through and code", () => {
    expect(json("## The *river* town")).toEqual([
      { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "The " }, { type: "text", text: "river", marks: [{ type: "italic" }] }, { type: "text", text: " town" }] },
    ]);
    const [p] = json("a **bold _and italic_** ~~gone~~ `x*y` *a***b**");
    expect(p!.content).toEqual([
      { type: "text", text: "a " },
      { type: "text", text: "bold ", marks: [{ type: "bold" }] },
      { type: "text", text: "and italic", marks: [{ type: "bold" }, { type: "italic" }] },
      { type: "text", text: " " },
      { type: "text", text: "gone", marks: [{ type: "strike" }] },
      { type: "text", text: " " },
      { type: "text", text: "x*y", marks: [{ type: "code" }] },
      { type: "text", text: " " },
      { type: "text", text: "a", marks: [{ type: "italic" }] },
      { type: "text", text: "b", marks: [{ type: "bold" }] },
    ]);
  });

  it("keeps unclosed or spaced delimiters and intraword underscores as text", () => {
    expect(json("5 * 3 = 15 and snake_case_name and *open")[0]!.content).toEqual([{ type: "text", text: "5 * 3 = 15 and snake_case_name and *open" }]);
  });

  it("never reads markup as HTML: tags stay text", () => {
    expect(json("<b>not bold</b> <script>x</script>")[0]!.content).toEqual([{ type: "text", text: "<b>not bold</b> <script>x</script>" }]);
  });

  it("reads lists, nested lists, quotes, rules and fenced code", () => {
    const nodes = json("- one\n- two\n  - inner\n\n1. first\n2. second\n\n> quoted\n> more\n\n---\n\n```js\nlet a = 1;\n```");
    expect(nodes.map((n) => n.type)).toEqual(["bulletList", "orderedList", "blockquote", "horizontalRule", "codeBlock"]);
    expect(nodes[0]!.content![1]!.content!.map((n: { type: string }) => n.type)).toEqual(["paragraph", "bulletList"]);
    expect(nodes[4]).toEqual({ type: "codeBlock", attrs: { language: "js" }, content: [{ type: "text", text: "let a = 1;" }] });
  });

  it("reads character references as the characters (outside code), and leaves the rest as written", () => {
    // An imported draft that quoted <content> holds it as &lt;content> (a step cannot hold a protocol tag).
    expect(json("She typed &lt;content> here.")[0]!.content).toEqual([{ type: "text", text: "She typed <content> here." }]);
    expect(json("AT&amp;T &#8212; &#x2014; &quot;q&quot; &unknown; & alone, \\&lt; escaped")[0]!.content).toEqual([{ type: "text", text: 'AT&T \u2014 \u2014 "q" &unknown; & alone, &lt; escaped' }]);
    expect(json("`&lt;code>`")[0]!.content).toEqual([{ type: "text", text: "&lt;code>", marks: [{ type: "code" }] }]);
  });

  it("gives no blocks for an empty text", () => {
    expect(json("")).toEqual([]);
    expect(json("\n\n  \n")).toEqual([]);
  });
});

describe("draft nodes → Markdown", () => {
  it("writes back what it read", () => {
    for (const md of [
      "Plain paragraph.\n\nAnother one.",
      "## Heading\n\nText with **bold**, *italic*, ~~strike~~ and `code`.",
      "Line one\nline two",
      "- a\n- b\n  - c\n\n3. three\n4. four",
      "> quoted text\n>\n> second paragraph",
      "```\ncode *not* emphasis\n```",
      "***\n\nafter the rule".replace("***", "---"),
    ]) {
      expect(roundTrip(md)).toBe(md);
    }
  });

  it("escapes what would read back as markup", () => {
    const p = schema.nodes.paragraph!.create(null, schema.text("# not a heading, 5 * 3, a_b_c, `tick`"));
    const md = serializeMarkdown(schema.nodes.stepBlock!.create({ stepId: "s" }, [p]));
    expect(md).toBe("\\# not a heading, 5 \\* 3, a\\_b\\_c, \\`tick\\`");
    expect(json(md)).toEqual([p.toJSON()]);
  });

  it("writes marks that change inside a word so that they read back", () => {
    const b = schema.marks.bold!.create();
    const i = schema.marks.italic!.create();
    const cases = [
      [schema.text("un"), schema.text("believ", [i]), schema.text("able")],
      [schema.text("a", [b]), schema.text("b", [b, i]), schema.text("c", [b])],
      [schema.text("a", [b, i]), schema.text("b", [i]), schema.text("c")],
      [schema.text("a", [i]), schema.text("b", [b])],
    ];
    for (const inline of cases) {
      const p = schema.nodes.paragraph!.create(null, inline);
      const md = serializeMarkdown(schema.nodes.stepBlock!.create({ stepId: "s" }, [p]));
      expect(parseMarkdown(md, schema)[0]!.toJSON(), md).toEqual(p.toJSON());
    }
  });

  it("round-trips the literal text <content>: the draft shows it, the step keeps it as &lt;content>", () => {
    // What the importer writes for a draft that quotes the tag (see export/import.test.ts).
    const imported = "See &lt;content> here, and &lt;FINISHED> too.";
    const shown = block(imported);
    expect(shown.textContent).toBe("See <content> here, and <FINISHED> too.");
    expect(serializeMarkdown(shown)).toBe(imported);
    expect(block("&lt;/step_plan>").textContent).toBe("</step_plan>");
    // Typed by the writer: written so the step can hold it, and read back the same.
    const typed = schema.nodes.paragraph!.create(null, schema.text("A <content> tag, AT&T and a literal &amp;."));
    const md = serializeMarkdown(schema.nodes.stepBlock!.create({ stepId: "s" }, [typed]));
    expect(md).toBe("A &lt;content> tag, AT&T and a literal \\&amp;.");
    expect(json(md)).toEqual([typed.toJSON()]);
  });

  it("keeps spaces outside the delimiters, so emphasis stays emphasis", () => {
    const p = schema.nodes.paragraph!.create(null, [schema.text("a"), schema.text(" bold ", [schema.marks.bold!.create()]), schema.text("b")]);
    expect(serializeMarkdown(schema.nodes.stepBlock!.create({ stepId: "s" }, [p]))).toBe("a **bold** b");
  });

  it("reads emphasis that overlaps a strike back as written (a run after punctuation opens, it does not close)", () => {
    const mark = (t: string, names: ("bold" | "italic" | "strike")[]) => schema.text(t, names.map((n) => schema.marks[n]!.create()));
    const p = schema.nodes.paragraph!.create(null, [mark("a", ["bold", "italic"]), mark(" a", ["italic"]), mark(" a", ["bold", "italic", "strike"]), mark(" a", ["strike"])]);
    const md = serializeMarkdown(schema.nodes.stepBlock!.create({ stepId: "s" }, [p]));
    expect(md).toBe("***a** a ~~**a**~~* ~~a~~");
    const back = parseMarkdown(md, schema);
    // White space carries no mark the writer sees; every letter keeps its own.
    const letters = (node: ReturnType<typeof parseMarkdown>[number]) => {
      const out: string[] = [];
      node.forEach((t) => {
        for (const c of t.text ?? "") if (!/\s/.test(c)) out.push(`${c}:${t.marks.map((m) => m.type.name).sort().join("+")}`);
      });
      return out;
    };
    expect(letters(back[0]!)).toEqual(["a:bold+italic", "a:italic", "a:bold+italic+strike", "a:strike"]);
  });

  it("reads back any text the writer types with the same characters and the same marks on them", () => {
    const markNames = ["bold", "italic", "strike", "code"] as const;
    const run = fc.record({
      text: fc.string({ unit: fc.constantFrom("a", "b", " ", "*", "_", "`", "~", "#", "-", "1", ".", "\\", ">", "é", "字", "&", "&lt;", "&#38;", "<", "<content>", "</step_plan>", ";"), minLength: 1, maxLength: 12 }),
      marks: fc.subarray([...markNames]),
    });
    /** Each character with the marks on it; white space carries no visible mark, so none is kept for it. */
    const visible = (nodes: ReturnType<typeof parseMarkdown>) =>
      nodes.flatMap((paragraph) => {
        const chars: string[] = [];
        paragraph.forEach((t) => {
          for (const c of t.text ?? "") chars.push(/\s/.test(c) ? c : `${c}:${t.marks.map((m) => m.type.name).sort().join("+")}`);
        });
        return chars;
      });
    fc.assert(
      // Marks change where a word ends (inside a word, see the test above).
      fc.property(fc.array(run, { minLength: 1, maxLength: 6 }), (generated) => {
        const runs = generated.map((r, k) => {
          const before = generated[k - 1];
          const differs = before && before.marks.join() !== r.marks.join();
          return differs && !/\s$/.test(before.text) && !/^\s/.test(r.text) ? { ...r, text: ` ${r.text}` } : r;
        });
        // Inline code excludes other marks in the editor, so the writer cannot make code bold.
        const inline = runs.map((r) => schema.text(r.text, (r.marks.includes("code") ? ["code" as const] : r.marks).map((m) => schema.marks[m]!.create())));
        const paragraph = schema.nodes.paragraph!.create(null, inline);
        fc.pre(!/^\s|\s$/.test(paragraph.textContent));
        const md = serializeMarkdown(schema.nodes.stepBlock!.create({ stepId: "s" }, [paragraph]));
        const back = parseMarkdown(md, schema);
        expect(back).toHaveLength(1);
        expect(back[0]!.type.name).toBe("paragraph");
        expect(visible(back)).toEqual(visible([paragraph]));
        // Outside code, no protocol tag reaches the step: the manuscript could not hold it.
        if (!runs.some((r) => r.marks.includes("code"))) expect(findProtocolTag(md)).toBeNull();
      }),
      { numRuns: 1000 },
    );
  });
});
