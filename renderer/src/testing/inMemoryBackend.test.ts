import { describe, expect, it } from "vitest";
import { tokenize } from "./inMemoryBackend";

describe("the in-memory back end's model", () => {
  it("splits text into tokens that join back to it", () => {
    const text = "<content>\nThe river ran\n\nfar away.</content>";
    expect(tokenize(text).join("")).toBe(text);
  });
});
