import { describe, expect, it } from "vitest";
import { translate } from "../i18n";
import { checkNewDocument, readTarget, type NewDocumentForm } from "./newDocument";

const form = (fields: Partial<NewDocumentForm>): NewDocumentForm => ({ instruction: "Write a history of the river town.", target: "5000", language: "auto", mode: "profile", voice: "", ...fields });

describe("the new-document form", () => {
  it("accepts an instruction and a whole target, trimmed, with the profile's mode", () => {
    expect(checkNewDocument(form({ instruction: "  A story.  ", target: " 3,000 " }))).toEqual({
      ok: true,
      input: { instruction: "A story.", targetWords: 3000, language: "auto", mode: null },
    });
    expect(checkNewDocument(form({ mode: "orchestrated", language: "zh" }))).toMatchObject({ ok: true, input: { mode: "orchestrated", language: "zh" } });
  });

  it("asks for an instruction when there is none", () => {
    const check = checkNewDocument(form({ instruction: "  \n " }));
    expect(check).toEqual({ ok: false, errors: { instruction: { key: "newDoc.error.instructionEmpty" } } });
  });

  it("refuses a target that is not a positive whole number, or absurdly large, and says why", () => {
    expect(readTarget("")).toEqual({ key: "newDoc.error.targetEmpty" });
    expect(readTarget("3.5")).toEqual({ key: "newDoc.error.targetNotWhole" });
    expect(readTarget("2k")).toEqual({ key: "newDoc.error.targetNotWhole" });
    expect(readTarget("-100")).toEqual({ key: "newDoc.error.targetTooSmall" });
    expect(readTarget("0")).toEqual({ key: "newDoc.error.targetTooSmall" });
    expect(readTarget("200001")).toEqual({ key: "newDoc.error.targetTooLarge", values: { max: 200000 } });
    expect(readTarget("200000")).toBe(200000);
    expect(readTarget("1")).toBe(1);
    const tooLarge = readTarget("999999");
    expect(typeof tooLarge === "number" ? "" : translate("en", tooLarge.key, tooLarge.values)).toBe("A target above 200,000 words is more than Draftline can plan: choose a smaller one.");
  });

  it("takes a voice sample, trimmed, and refuses one past its budget before it is sent", () => {
    expect(checkNewDocument(form({ voice: "  Rain again. I counted the gulls.  " }))).toMatchObject({ ok: true, input: { voice: "Rain again. I counted the gulls." } });
    expect(checkNewDocument(form({ voice: "   " }))).toMatchObject({ ok: true, input: { instruction: "Write a history of the river town." } });
    const long = checkNewDocument(form({ voice: "word ".repeat(2000) }));
    expect(long.ok).toBe(false);
    const error = long.ok ? undefined : long.errors.voice;
    expect(error ? translate("en", error.key, error.values) : "").toMatch(/^The sample is about [\d,]+ tokens; a sample may have at most 800\./);
  });

  it("reports both fields at once", () => {
    const check = checkNewDocument(form({ instruction: "", target: "abc" }));
    expect(check.ok ? [] : Object.keys(check.errors).sort()).toEqual(["instruction", "target"]);
  });
});
