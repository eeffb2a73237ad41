import { describe, expect, it } from "vitest";
import { detectLanguage } from "./language";

describe("detectLanguage", () => {
  it.each<[string, "en" | "zh"]>([
    ["Write a 2000-word essay about the history of tea.", "en"],
    ["写一篇关于茶叶历史的文章，2000字左右。", "zh"],
    ["请用英文写: the history of tea in China and Japan, with examples", "en"],
    ["介绍Python的历史和发展", "zh"],
    ["", "en"],
    ["12345 !!!", "en"],
  ])("detects %j as %s", (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });
});
