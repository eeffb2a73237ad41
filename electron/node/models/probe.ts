// The check made after loading a model meant to write IS-CoT by itself (IS-Writer's native profile):
// a short generation from the native prompt, which a model trained on the protocol opens with
// `<global_plan>`. A model that does not is better driven in the prompted mode.
import { nativeMessages } from "../../common/generation/prompts";
import { matchTag } from "../../common/iscot/tags";
import type { Backend, SamplingSettings } from "../engine/backend";

export interface ProbeResult {
  /** The model opened its answer to the native prompt with the IS-CoT global plan tag. */
  writesTags: boolean;
  /** What the writer should do when it did not; null when it did. */
  suggestion: string | null;
  /** The start of what the model wrote, for the log. */
  sample: string;
}

export const PROBE_INSTRUCTION = "Write an article about how tea is grown and made.";
export const PROBE_SUGGESTION =
  "This model did not write the IS-CoT tags (<global_plan>) from the native prompt: it was not trained on the protocol. Write with the prompted mode (the protocol taught by a system prompt), or the orchestrated mode for a weak model.";

/** True when the text holds an opening `<global_plan>` tag (or an alias the parser takes for it). */
export function writesGlobalPlan(text: string): boolean {
  for (let at = text.indexOf("<"); at >= 0; at = text.indexOf("<", at + 1)) {
    const tag = matchTag(text, at, true);
    if (tag.kind === "tag" && tag.name === "global_plan" && !tag.closing) return true;
  }
  return false;
}

/** Generates about `maxTokens` tokens from the native prompt (greedy by default) and looks for the tag. */
export async function probeProtocol(backend: Backend, options: { maxTokens?: number; sampling?: SamplingSettings } = {}): Promise<ProbeResult> {
  const prompt = await backend.applyChatTemplate(nativeMessages(PROBE_INSTRUCTION, 1500, "en"));
  const result = await backend.generate({ tokens: prompt.tokens, maxTokens: options.maxTokens ?? 64, sampling: options.sampling ?? { temperature: 0 } });
  const writesTags = writesGlobalPlan(result.text);
  return { writesTags, suggestion: writesTags ? null : PROBE_SUGGESTION, sample: result.text.slice(0, 200) };
}
