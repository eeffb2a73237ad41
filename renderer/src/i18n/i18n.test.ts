import { describe, expect, it } from "vitest";
import { en, type MessageKey } from "./en";
import { browserLanguage, translate } from "./index";
import { zh } from "./zh";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("interface strings", () => {
  it("Chinese has every English key and no other", () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
  });

  it("every Chinese string is filled in and uses the same placeholders as the English one", () => {
    for (const key of Object.keys(en) as MessageKey[]) {
      if (en[key] !== "") expect(zh[key], key).not.toBe("");
      expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it("fills placeholders and writes numbers as the language does", () => {
    expect(translate("en", "status.wordsOfTarget", { words: 1234, target: 5000 })).toBe("1,234 / 5,000 words");
    expect(translate("zh", "status.wordsOfTarget", { words: 1234, target: 5000 })).toBe("1,234 / 5,000 字");
    expect(translate("en", "connection.connected", { shell: "web mode", version: "0.1.0" })).toBe("Connected · web mode · v0.1.0");
  });

  it("leaves a placeholder with no value visible rather than writing 'undefined'", () => {
    expect(translate("en", "status.words")).toBe("{words} words");
  });

  it("follows the browser's first language it has", () => {
    expect(browserLanguage(["zh-CN", "en-US"])).toBe("zh");
    expect(browserLanguage(["fr-FR", "en-GB"])).toBe("en");
    expect(browserLanguage(["de-DE"])).toBe("en");
    expect(browserLanguage(["zh-Hant-TW"])).toBe("zh");
  });
});
