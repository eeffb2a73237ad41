// Thinking off for a Qwen3 model, seen in the prompt tokens: a tiny model that carries Qwen3's chat
// template and its <think> tokens gets node-llama-cpp's Qwen wrapper, told to discourage thoughts, so
// every answer (a first prompt and every chat turn of the orchestrated and AgentWrite modes) opens
// after an empty think block, as Qwen3's own template does with enable_thinking false.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureTestModel } from "../engine/testModel";
import { QWEN3_CHAT_TEMPLATE, QWEN3_EXTRA_TOKENS } from "../engine/testing/chatTemplates";
import { InProcessBackend } from "../engine/llamaEngine";
import { PromptBuilder } from "./turns";

describe("a Qwen3 model's thinking, turned off", () => {
  const backend = new InProcessBackend();

  beforeAll(async () => {
    const model = await ensureTestModel(undefined, { architecture: "qwen3", chatTemplate: QWEN3_CHAT_TEMPLATE, extraTokens: QWEN3_EXTRA_TOKENS, name: "Qwen3 8B" });
    await backend.load({ model, threads: 1, contextSize: 2048 });
  });
  afterAll(() => backend.dispose());

  it("gets the Qwen chat wrapper, told to leave thinking out", () => {
    expect(backend.modelInfo).toMatchObject({ architecture: "qwen3", chatWrapper: "Qwen", thinkingOff: true });
  });

  it("opens the answer after an empty think block, in the model's own tokens", async () => {
    const prompt = await backend.applyChatTemplate([
      { role: "system", content: "You write long documents." },
      { role: "user", content: "Write about a harbor." },
    ]);
    expect(prompt.text).toBe("<|im_start|>system\nYou write long documents.<|im_end|>\n<|im_start|>user\nWrite about a harbor.<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
    // <think> and </think> are the vocabulary's own single tokens, as in Qwen3's.
    const think = await backend.tokenize("<think>", { specialTokens: true });
    expect(think).toHaveLength(1);
    expect(prompt.tokens).toContain(think[0]);
  });

  it("opens every chat turn of the chat modes the same way", async () => {
    const turns = new PromptBuilder(backend);
    const turn = await backend.detokenize(await turns.userTurn("Now write the next paragraph."));
    expect(turn).toBe("<|im_end|>\n<|im_start|>user\nNow write the next paragraph.<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
  });
});
