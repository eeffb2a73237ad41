import { describe, expect, it } from "vitest";
import { closingTags, findProtocolTag, matchTag, MAX_TAG_LENGTH, openingTags, PROTOCOL_TAG_TEXTS, TAG_ALIASES, TAG_SPELLINGS } from "./tags";

describe("matchTag", () => {
  it.each<[string, string, boolean]>([
    ["<global_plan>", "global_plan", false],
    ["</global_plan>", "global_plan", true],
    ["<step_plan>", "step_plan", false],
    ["<local_plan>", "step_plan", false],
    ["</LOCAL_PLAN>", "step_plan", true],
    ["<Content>", "content", false],
    ["< content >", "content", false],
    ["</ content>", "content", true],
    ["< / reflection >", "reflection", true],
    ["<Global-Plan>", "global_plan", false],
    ["<GlobalPlan>", "global_plan", false],
    ["<FINISHED>", "finished", false],
    ["<finished/>", "finished", false],
    ["</FINISHED>", "finished", true],
    ["<step_plan\n>", "step_plan", false],
  ])("reads %j as %s", (text, name, closing) => {
    expect(matchTag(text, 0, true)).toMatchObject({ kind: "tag", name, closing, length: text.length, raw: text });
  });

  it.each(["<br>", "<div>", "</p>", "<h1>", "<br/>", "<sup >"])("reads %j as an unknown tag", (text) => {
    expect(matchTag(text, 0, true)).toEqual({ kind: "unknown", length: text.length, raw: text });
  });

  it.each(["< b", "<3", "<<", "< >", "<content", "<global plan>", "<a=1>", "<中文>"])("reads %j as text at the end of the input", (text) => {
    expect(matchTag(text, 0, true).kind).toBe("text");
  });

  it.each(["<", "<con", "</", "< / glo", "<content "])("waits for more input after %j", (text) => {
    expect(matchTag(text, 0, false).kind).toBe("partial");
  });

  it("gives up on a tag longer than MAX_TAG_LENGTH, so the parser holds back at most that much", () => {
    const long = `<${"a".repeat(MAX_TAG_LENGTH)}>`;
    expect(matchTag(long, 0, false).kind).toBe("text");
    expect(matchTag(long.slice(0, MAX_TAG_LENGTH), 0, false).kind).toBe("text");
    expect(matchTag(long.slice(0, MAX_TAG_LENGTH - 1), 0, false).kind).toBe("partial");
    const spaced = `<${" ".repeat(MAX_TAG_LENGTH - 10)}content>`;
    expect(matchTag(spaced, 0, true).kind).toBe("tag");
  });
});

describe("findProtocolTag", () => {
  it("finds a protocol tag and ignores other angle brackets", () => {
    expect(findProtocolTag("a < b, <br> and x<y")).toBeNull();
    expect(findProtocolTag("ends with </ Content >!")).toEqual({ index: 10, tag: "</ Content >" });
  });
});

describe("tag spellings", () => {
  it("spell every alias the parser takes, so stop strings made from them catch each one", () => {
    const spelled = new Set(Object.values(TAG_SPELLINGS).flatMap((names) => names.map((n) => n.toLowerCase().replace(/[_-]/g, ""))));
    expect([...spelled].sort()).toEqual(Object.keys(TAG_ALIASES).sort());
    for (const text of PROTOCOL_TAG_TEXTS) expect(matchTag(text, 0, true)).toMatchObject({ kind: "tag" });
  });

  it("open and close a step plan with both of its names", () => {
    expect(openingTags("step_plan")).toEqual(["<step_plan>", "<local_plan>"]);
    expect(closingTags("step_plan")).toEqual(["</step_plan>", "</local_plan>"]);
    expect(openingTags("finished")).toEqual(["<FINISHED>"]);
  });
});
