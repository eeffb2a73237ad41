// Speculative decoding in the engine process: a draft model proposes the next tokens and the model
// verifies them in one batch (node-llama-cpp's token predictors; the sequence keeps what the model
// itself samples, so the text does not change). node-llama-cpp's DraftSequenceTokenPredictor drafts in
// the background up to a fixed maxTokens and hands out whatever is ready when the model asks: a draft
// as fast as the model is always one token behind, and the number of tokens it drafts does not follow
// how many are accepted (it stops only at a token it is unsure of). AdaptiveDraftPredictor drafts when
// the model asks, as llama.cpp's own speculative decoding does, as many tokens as the acceptance rate
// makes worth checking (DraftLength), and stops at a token the draft is unsure of.
import { TokenPredictor, type LlamaContextSequence, type LlamaModel, type SequenceEvaluateOptions, type Token } from "node-llama-cpp";
import { DEFAULT_DRAFT_LENGTH, DraftLength, vocabularySampleIds, type DraftLengthLimits, type SpeculativeStats, type VocabularySample } from "../../common/engine/draft";

/** The sequence's prediction counters at one moment. */
interface Counters {
  validated: number;
  refuted: number;
}

/**
 * Draft tokens node-llama-cpp can accept in one verified batch. In 3.21.1 `_speculativeEvaluate`
 * compares the second and later draft tokens of a batch with `validatedTokens.at(-1)`, a list it never
 * fills: they are always rejected, whatever the model writes (found by the tiny model drafting for
 * itself: exactly half of two-token drafts accepted). Drafting more would only spend the draft's time
 * and widen the batch; raise this when the library verifies whole drafts, and DraftLength adapts the
 * length within `draftTokens`.
 */
export const DRAFT_TOKENS_VERIFIED_PER_BATCH = 1;

/** node-llama-cpp's default: a draft stops at a token its model gives less than this probability. */
export const DEFAULT_DRAFT_MIN_CONFIDENCE = 0.6;

export class AdaptiveDraftPredictor extends TokenPredictor {
  readonly length: DraftLength;
  private target?: LlamaContextSequence;
  /** The counters when the last draft was handed out: the next call sees how it went. */
  private last: Counters = { validated: 0, refuted: 0 };
  /** The model's context: every token in its state, the last one not yet evaluated. */
  private state: Token[] = [];
  private evaluationPriority: SequenceEvaluateOptions["evaluationPriority"];
  /** Changes on reset, stop and dispose: a draft in progress for an older state ends early. */
  private epoch = 0;
  private disposed = false;

  constructor(
    readonly draftSequence: LlamaContextSequence,
    limits: DraftLengthLimits = DEFAULT_DRAFT_LENGTH,
    private readonly minConfidence: number = DEFAULT_DRAFT_MIN_CONFIDENCE,
  ) {
    super();
    const max = Math.max(1, Math.min(limits.max, DRAFT_TOKENS_VERIFIED_PER_BATCH));
    this.length = new DraftLength({ min: Math.min(limits.min, max), max });
  }

  override reset(params: { targetSequence: LlamaContextSequence; stateTokens: Token[]; evaluateOptions: Readonly<SequenceEvaluateOptions> }): void {
    this.epoch++;
    this.target = params.targetSequence;
    this.last = counters(params.targetSequence);
    this.state = params.stateTokens.slice();
    this.evaluationPriority = params.evaluateOptions.evaluationPriority;
  }

  override pushTokens(tokens: Token[]): void {
    this.state.push(...tokens);
  }

  override async predictTokens(): Promise<Token[]> {
    this.observe();
    const epoch = this.epoch;
    const draft = this.draftSequence;
    const state = this.state.slice();
    const next = state.pop();
    const limit = this.length.length;
    if (this.disposed || draft.disposed || next === undefined || state.length + limit + 1 >= draft.contextSize) return [];
    // The draft's cache keeps the longest common prefix (accepted drafts included); it decodes the rest.
    await draft.adaptStateToTokens(state, false);
    const rest = state.slice(draft.nextTokenIndex);
    if (rest.length > 0) await draft.evaluateWithoutGeneratingNewTokens(rest, { evaluationPriority: this.evaluationPriority });
    const predicted: Token[] = [];
    // The draft proposes its most likely tokens; the model's own sampling decides what is kept.
    for await (const { token, confidence } of draft.evaluateWithMetadata([next], { confidence: true }, { temperature: 0, evaluationPriority: this.evaluationPriority })) {
      if (this.epoch !== epoch || (this.minConfidence > 0 && confidence < this.minConfidence)) break;
      predicted.push(token);
      if (predicted.length >= limit) break;
    }
    return this.epoch === epoch ? predicted : [];
  }

  /** Takes in how the last draft went: the tokens the model accepted and rejected since. */
  private observe(): void {
    if (!this.target || this.target.disposed) return;
    const now = counters(this.target);
    const accepted = now.validated - this.last.validated;
    const rejected = now.refuted - this.last.refuted;
    this.last = now;
    if (accepted + rejected > 0) this.length.update(accepted + rejected, accepted);
  }

  override stop(): void {
    this.epoch++;
  }

  override dispose(): void {
    this.epoch++;
    this.disposed = true;
  }
}

function counters(sequence: LlamaContextSequence): Counters {
  const { validated, refuted } = sequence.tokenPredictions;
  return { validated, refuted };
}

/** A sequence's prediction counters, to measure one generation. */
export function predictionCounters(sequence: LlamaContextSequence): Counters & { used: number } {
  const { validated, refuted, used } = sequence.tokenPredictions;
  return { validated, refuted, used };
}

/** The draft tokens of one generation, from the counters before and after it. */
export function speculativeStats(before: Counters, after: Counters, draftLength: number): SpeculativeStats {
  const accepted = after.validated - before.validated;
  const rejected = after.refuted - before.refuted;
  return { drafted: accepted + rejected, accepted, draftLength };
}

/** The loaded model's vocabulary of `size` tokens (the GGUF's token list), sampled for compareVocabularies. */
export function vocabularySample(model: LlamaModel, size: number): VocabularySample {
  return {
    type: String(model.vocabularyType),
    size,
    bos: model.tokens.bos,
    eos: model.tokens.eos,
    tokens: vocabularySampleIds(size).map((id) => [id, model.detokenize([id as Token], true)] as const),
  };
}
