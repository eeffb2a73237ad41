// LongBench-Write's judge prompt, as data: the text of evaluation/judge.txt in THUDM/LongWriter
// (https://github.com/THUDM/LongWriter, commit 3fcfdff43deceb49f7936c6bf25ad88d61df0bfa), licensed under
// the Apache License 2.0 (that repository's LICENSE.txt). Kept byte for byte: it is the benchmark's
// definition of the quality score, and a judge given other words is not comparable with published figures.
// $INST$ is replaced by the user's request and $RESPONSE$ by the response (see fillJudgePrompt).

/** sha256 of JUDGE_PROMPT's UTF-8 bytes, equal to that of the upstream judge.txt. */
export const JUDGE_PROMPT_SHA256 = "2c423ce88a0eb6a61482f427997a3c03c4bc11fe861102895dcac45926ae1d57";

export const JUDGE_PROMPT = `You are an expert in evaluating text quality. Please evaluate the quality of an AI assistant's response to a user's writing request. Be as strict as possible.

You need to evaluate across the following six dimensions, with scores ranging from 1 to 5. The scoring criteria from 5 to 1 for each dimension are as follows:

1. Relevance: From content highly relevant and fully applicable to the user's request to completely irrelevant or inapplicable.

2. Accuracy: From content completely accurate with no factual errors or misleading information to content with numerous errors and highly misleading.

3. Coherence: From clear structure with smooth logical connections to disorganized structure with no coherence.

4. Clarity: From clear language, rich in detail, and easy to understand to confusing expression with minimal details.

5. Breadth and Depth: From both broad and deep content with a lot of information to seriously lacking breadth and depth with minimal information.

6. Reading Experience: From excellent reading experience, engaging and easy to understand content to very poor reading experience, boring and hard to understand content.

Please evaluate the quality of the following response to a user's request according to the above requirements.

<User Request>

$INST$

</User Request>

<Response>

$RESPONSE$

</Response>

Please evaluate the quality of the response. You must first provide a brief analysis of its quality, then give a comprehensive analysis with scores for each dimension. The output must strictly follow the JSON format: {"Analysis": ..., "Relevance": ..., "Accuracy": ..., "Coherence": ..., "Clarity": ..., "Breadth and Depth": ..., "Reading Experience": ...}. You do not need to consider whether the response meets the user's length requirements in your evaluation. Ensure that only one integer between 1 and 5 is output for each dimension score.`;

/**
 * The judge prompt for one response. Both placeholders are replaced in one pass, so a request or a
 * response that itself contains "$RESPONSE$" (or "$&") is put in as it is. The official script
 * replaces them one after the other with str.replace; the two agree for every text without the
 * placeholders in it.
 */
export function fillJudgePrompt(instruction: string, response: string): string {
  return JUDGE_PROMPT.replace(/\$(INST|RESPONSE)\$/g, (_match, name: string) => (name === "INST" ? instruction : response));
}
