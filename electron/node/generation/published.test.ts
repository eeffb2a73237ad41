// Each seed model is prompted in its own published format: the rendered prompt of an English and a
// Chinese instruction equals the published template (fixtures in electron/common/testing/published,
// copied from the sources: LongWriter's agentwrite/prompts at commit 3fcfdff, LongWriter-Zero-32B's
// model card on Hugging Face).
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createManuscript } from "../../common/manuscript";
import { fakeWriter, prose } from "../../common/testing/fakeWriter";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";
import { loadCatalog } from "../models/catalog";
import { AgentWriteMode } from "./agentwrite";
import { directMode } from "./onePass";
import { thinkAnswerMode } from "./thinkAnswer";
import { Writer } from "./writer";

const published = (file: string) => readFileSync(path.join(import.meta.dirname, "../../common/testing/published", file), "utf8").replace(/\n$/, "");

const cases = [
  { language: "en" as const, instruction: "Write a report on how tea is grown and made.", target: "Target length: about 1000 words." },
  { language: "zh" as const, instruction: "写一篇关于茶叶种植和制作的报告。", target: "目标字数：约1000字。" },
];

describe("AgentWrite in LongWriter's format", () => {
  // LongWriter publishes English prompts only (it ran them on its Chinese instructions too); the Chinese
  // requests translate them sentence by sentence, and their fixtures are that translation.
  const plan = { en: published("longwriter-plan.txt"), zh: published("longwriter-plan.zh.txt") };
  const write = { en: published("longwriter-write.txt"), zh: published("longwriter-write.zh.txt") };
  /** write.txt's closing paragraph: the instruction, plan and text it repeats are in the context already. */
  const stepAsk = (template: string, step: string) => template.slice(template.lastIndexOf("\n") + 1).replace("$STEP$", step);
  /** Its first sentence, the request: the rules after it were said with the first paragraph's request and stay in the context. */
  const requestOnly = (template: string, step: string) => {
    const closing = template.slice(template.lastIndexOf("\n") + 1);
    return closing.slice(0, closing.indexOf("$STEP$") + "$STEP$".length + 1).replace("$STEP$", step);
  };

  it.each(cases)("asks for the plan with plan.txt and each paragraph with write.txt ($language)", async ({ language, instruction, target }) => {
    const backend = new ScriptedBackend(fakeWriter());
    const writer = new Writer({ mode: new AgentWriteMode(), backend, manuscript: createManuscript({ instruction, targetWords: 1000, language }) });
    expect((await writer.run()).status).toBe("finished");
    expect(backend.calls[0]!.context).toBe(`<|user|>\n${plan[language].replace("$INST$", `${instruction}\n\n${target}`)}\n<|assistant|>\n`);
    const m = writer.manuscript;
    // Paragraph 1's request names its line of the plan and says what write.txt says about it; paragraph
    // 2's names its line in write.txt's words, the rules being in the context already (said once).
    // (The scripted model names its paragraphs "Paragraph N": the line gives the main point alone.)
    expect(m.sections[1]).toMatchObject({ title: "Paragraph 2", brief: "The part called middle.", budget: 400 });
    const line = (n: number, point: string, words: number) => (language === "zh" ? `段落${n} - 主要内容：${point} - 字数要求：${words}字` : `Paragraph ${n} - Main point: ${point} - Word count: ${words} words`);
    expect(backend.calls[1]!.context.endsWith(`<|user|>\n${stepAsk(write[language], line(1, "The part called opening.", 300))}\n<|assistant|>\n`)).toBe(true);
    expect(backend.calls[2]!.context.endsWith(`<|user|>\n${requestOnly(write[language], line(2, "The part called middle.", 400))}\n<|assistant|>\n`)).toBe(true);
    const rules = stepAsk(write[language], "").slice(requestOnly(write[language], "").length).trim();
    expect(backend.calls[2]!.context.split(rules).length - 1).toBe(1);
  });

  it("says what write.txt says: a small subtitle allowed, nothing written repeated, no open-ended conclusion while ongoing", () => {
    expect(write.en).toContain("If needed, you can add a small subtitle at the beginning. Remember to only output the paragraph you write, without repeating the already written text. As this is an ongoing work, omit open-ended conclusions or other rhetorical hooks.");
  });
});

describe("LongWriter-Zero in its model card's format", () => {
  const templates = { en: published("longwriter-zero-en.txt"), zh: published("longwriter-zero-zh.txt") };

  it.each(cases)("renders the card's $language template, chosen by Han characters in the prompt", async ({ language, instruction, target }) => {
    const entry = (await loadCatalog()).models.find((m) => m.id === "longwriter-zero-32b")!;
    const backend = new ScriptedBackend(fakeWriter());
    const writer = new Writer({ mode: thinkAnswerMode({ promptFormat: entry.promptFormat! }), backend, manuscript: createManuscript({ instruction, targetWords: 1000, language }) });
    expect((await writer.run()).status).toBe("finished");
    // The prompt, then the think block the mode opens.
    expect(backend.calls[0]!.context).toBe(`${templates[language].replace("{question}", `${instruction}\n\n${target}`)}<think>\n`);
  });

  it("stops at the card's stop strings and ends an answer at its 15,500 new tokens", async () => {
    const entry = (await loadCatalog()).models.find((m) => m.id === "longwriter-zero-32b")!;
    expect(entry.promptFormat).toMatchObject({ stop: expect.arrayContaining(["<|user|>", "<|endoftext|>", "</answer>"]), maxNewTokens: 15_500 });
  });
});

describe("a model's limit of new tokens an answer", () => {
  it("ends the answer there and asks the model to go on", async () => {
    const format = { kind: "raw" as const, turn: "<|user|>: {prompt} <|assistant|>:", maxNewTokens: 1500 };
    // A model that writes on without end: each answer is cut at 1,500 tokens (characters, here).
    const backend = new ScriptedBackend(() => prose(2000));
    const notes: string[] = [];
    const writer = new Writer({ mode: directMode({ promptFormat: format }), backend, manuscript: createManuscript({ instruction: "x", targetWords: 600, language: "en" }), onNote: (n) => notes.push(n) });
    await writer.run();
    expect(backend.calls[0]!.generated).toBe(1500);
    expect(notes).toContain("The answer reached the model's limit of 1,500 new tokens: it ends there.");
    expect(backend.calls[1]!.context).toMatch(/\n<\|user\|>: The text stopped at \d+ of the 600 words asked for\.[^]* <\|assistant\|>:$/);
  });
});
