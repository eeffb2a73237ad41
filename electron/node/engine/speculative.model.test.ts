// Speculative decoding in the engine process with the tiny model: greedy text with a draft model is
// the model's own text, token for token, whatever the draft (the model itself, or a model of the same
// vocabulary and other weights); grammars, stop strings, the KV cache's prefix reuse and aborts keep
// working; a draft of another vocabulary is refused with the reason.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptanceRate } from "../../common/engine/draft";
import { encodeGguf, ensureTestModel, testModelParts, writeTestModel } from "./testModel";
import { BackendError, type GenerateRequest, type GenerateResult } from "./backend";
import { EmbeddedBackend } from "./embedded";

const TAG_GRAMMAR = String.raw`
root ::= "<global_plan>" text "</global_plan>" step step? "<FINISHED>"
step ::= "<step_plan>" text "</step_plan>" "<content>" text "</content>" "<reflection>" text "</reflection>"
text ::= [a-z ]{1,12}
`;

const LOAD = { threads: 1, contextSize: 2048 } as const;
// The tiny models' random weights are never sure of a token: draft whatever they guess.
const DRAFT = { draftMinConfidence: 0 } as const;

/** The tiny model with two of its tokens' texts swapped: the same size, another vocabulary. */
function otherVocabularyModel(): Buffer {
  const parts = testModelParts();
  const metadata = parts.metadata.map(([key, value]): (typeof parts.metadata)[number] => {
    if (key !== "tokenizer.ggml.tokens" || value.type !== "strings") return [key, value];
    const tokens = [...value.value];
    [tokens[300], tokens[301]] = [tokens[301]!, tokens[300]!];
    return [key, { type: "strings", value: tokens }];
  });
  return encodeGguf({ ...parts, metadata });
}
const GREEDY = { temperature: 0 } as const;

describe("speculative decoding with the tiny model", () => {
  let dir: string;
  let modelPath: string;
  let otherWeights: string;
  let otherVocabulary: string;
  let plain: EmbeddedBackend;
  let drafted: EmbeddedBackend;
  let prompt: number[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "draftline-spec-"));
    modelPath = await ensureTestModel();
    otherWeights = path.join(dir, "other-weights.gguf");
    await writeTestModel(otherWeights, { seed: 99 });
    otherVocabulary = path.join(dir, "other-vocabulary.gguf");
    await writeFile(otherVocabulary, otherVocabularyModel());
    plain = new EmbeddedBackend();
    drafted = new EmbeddedBackend();
    await plain.load({ model: modelPath, ...LOAD });
    prompt = (await plain.applyChatTemplate([{ role: "user", content: "Write a short story about the river and the bridge." }])).tokens;
  });

  afterAll(async () => {
    await Promise.allSettled([plain?.dispose(), drafted?.dispose()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The same request to the plain model and the drafted one. */
  async function both(request: GenerateRequest): Promise<[GenerateResult, GenerateResult]> {
    const a = await plain.generate(request);
    const b = await drafted.generate(request);
    return [a, b];
  }

  it("writes the model's own greedy text with itself as the draft, and accepts its drafts", async () => {
    const info = await drafted.load({ model: modelPath, draftModel: modelPath, ...DRAFT, ...LOAD });
    expect(info.draft).toMatchObject({ source: modelPath, contextSize: info.contextSize, maxDraftTokens: 1 });
    const [a, b] = await both({ tokens: prompt, maxTokens: 300, sampling: GREEDY });
    expect(b.tokens).toEqual(a.tokens);
    expect(b.text).toBe(a.text);
    expect(a.speculative).toBeUndefined();
    expect(b.speculative!.drafted).toBeGreaterThan(0);
    // The same weights draft what the model writes: nearly every draft token is accepted.
    expect(acceptanceRate(b.speculative)).toBeGreaterThan(0.9);
    // Tokens sampled, not the draft tokens verified with them.
    expect(b.generatedTokens).toBe(a.generatedTokens);
  });

  it("writes the model's own greedy text with a draft of other weights, which it often rejects", async () => {
    const info = await drafted.load({ model: modelPath, draftModel: otherWeights, ...DRAFT, ...LOAD });
    expect(info.draft?.source).toBe(otherWeights);
    const [a, b] = await both({ tokens: prompt, maxTokens: 400, sampling: GREEDY });
    expect(b.tokens).toEqual(a.tokens);
    expect(b.speculative!.drafted).toBeGreaterThan(0);
    expect(b.speculative!.accepted).toBeLessThan(b.speculative!.drafted);
  });

  it("keeps grammars and stop strings, and decodes only what changed in the context", async () => {
    const request = { tokens: prompt, maxTokens: 300, sampling: GREEDY, grammar: TAG_GRAMMAR, stop: ["</content>"] };
    const [a, b] = await both(request);
    expect(a.stopReason).toBe("stop");
    expect(b.tokens).toEqual(a.tokens);
    expect([b.stopReason, b.stopString, b.remainder]).toEqual([a.stopReason, a.stopString, a.remainder]);
    // Forced tags appended after the stop: only they are decoded, with or without the draft.
    const forced = await plain.tokenize("</content><reflection>");
    const next = { ...request, tokens: [...prompt, ...a.tokens, ...forced], stop: ["</reflection>"] };
    const [c, d] = await both(next);
    expect(d.tokens).toEqual(c.tokens);
    expect(d.inputTokensDecoded).toBe(forced.length);
    expect(c.inputTokensDecoded).toBe(forced.length);
    // A writer's edit inside the text: decoding starts again from the edited token.
    const edited = [...prompt, ...a.tokens.slice(0, 10), ...(await plain.tokenize(" the bridge"))];
    const [e, f] = await both({ tokens: edited, maxTokens: 80, sampling: GREEDY });
    expect(f.tokens).toEqual(e.tokens);
    expect(f.inputTokensDecoded).toBe(e.inputTokensDecoded);
  });

  it("stops on an abort with the text so far, then writes on as without the draft", async () => {
    const controller = new AbortController();
    let streamed = 0;
    const cut = await drafted.generate({
      tokens: prompt,
      maxTokens: 1500,
      sampling: GREEDY,
      signal: controller.signal,
      onToken: (tokens) => {
        streamed += tokens.length;
        if (streamed >= 20) controller.abort();
      },
    });
    expect(cut.stopReason).toBe("abort");
    const [a, b] = await both({ tokens: [...prompt, ...cut.tokens], maxTokens: 100, sampling: GREEDY });
    expect(b.tokens).toEqual(a.tokens);
    const whole = await plain.generate({ tokens: prompt, maxTokens: cut.tokens.length, sampling: GREEDY });
    expect(cut.tokens).toEqual(whole.tokens.slice(0, cut.tokens.length));
  });

  it("counts the draft model and its context in the fit estimate", async () => {
    const alone = await plain.estimateFit(modelPath, { contextSize: 2048 });
    const both = await plain.estimateFit(modelPath, { contextSize: 2048, draftFile: otherWeights });
    expect(both.draft!.ramBytes + both.draft!.vramBytes).toBeGreaterThan(0);
    expect(both.ramBytes + both.vramBytes).toBe(alone.ramBytes + alone.vramBytes + both.draft!.ramBytes + both.draft!.vramBytes);
    expect(both.fits).toBe(alone.fits && both.draft!.fits);
  });

  it("refuses a draft of another vocabulary, saying why, before and at load", async () => {
    const problem = await plain.checkDraft(modelPath, otherVocabulary);
    expect(problem).toMatch(/cannot draft for .*: token 30[01] is/);
    expect(await plain.checkDraft(modelPath, otherWeights)).toBeNull();
    const refused = drafted.load({ model: modelPath, draftModel: otherVocabulary, ...DRAFT, ...LOAD });
    await expect(refused).rejects.toThrow(BackendError);
    await expect(refused).rejects.toThrow(/other-vocabulary\.gguf cannot draft for .*: token \d+ is/);
  });
});
