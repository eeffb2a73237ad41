import { describe, expect, it } from "vitest";
import { draftText } from "./progress";

describe("draftText", () => {
  it("says the share of draft tokens accepted once a draft was checked, and nothing without a draft model", () => {
    expect(draftText({ drafted: 200, accepted: 130, draftLength: 1 })).toBe(" · 65% drafts accepted");
    expect(draftText({ drafted: 0, accepted: 0, draftLength: 1 })).toBe("");
    expect(draftText(undefined)).toBe("");
  });
});
