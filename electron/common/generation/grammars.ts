// GBNF grammars that hold a model to the IS-CoT structure, one per point where the controller hands
// over: for the tiny test model (random weights write nonsense, so the structure must come from a
// grammar) and for weak models. The words are nonsense on purpose: these grammars measure the
// controller's length control, not the writing.

/** Words that are one token each in the tiny test model's vocabulary (with their leading space). */
const TINY_WORDS = ["the", "writer", "it", "section", "has", "of", "words", "and", "plan", "what", "should", "be", "long", "an", "introduction", "that", "where", "is", "for"];

export interface ProtocolGrammars {
  plan: string;
  step: string;
  content: string;
  reflection: string;
}

/**
 * Grammars for each phase. English text is words from `words`; Chinese text is Han characters. Content
 * never closes by itself: the controller ends every segment (its budget and target rules), which is
 * what an evaluation with a random model is meant to exercise.
 */
export function protocolGrammars(language: "en" | "zh", words: readonly string[] = TINY_WORDS): ProtocolGrammars {
  const word = words.map((w) => JSON.stringify(w)).join(" | ");
  const common =
    language === "zh"
      ? String.raw`
sentence ::= han{4,12} "。"
han ::= [一-龥]
title ::= han{2,6}`
      : String.raw`
sentence ::= word (" " word){4,14} "."
word ::= ${word}
title ::= word (" " word){0,2}`;
  const paragraph = language === "zh" ? `para ::= sentence{3,8}` : `para ::= sentence (" " sentence){2,7}`;
  const budgetLine = language === "zh" ? `"字数：" [1-9] [0-9] [0-9] "字"` : `"Word count: " [1-9] [0-9] [0-9]`;
  return {
    plan: `root ::= section ("\\n\\n" section){1,5} "\\n</global_plan>"\nsection ::= "## " title "\\n" ${budgetLine} "\\n" sentence${common}`,
    step: `root ::= sentence "\\n</step_plan>\\n<content>\\n" para ("\\n\\n" para)*\n${paragraph}${common}`,
    content: `root ::= para ("\\n\\n" para)*\n${paragraph}${common}`,
    reflection: `root ::= sentence "\\n</reflection>"${common}`,
  };
}

export interface OrchestratedGrammars {
  plan: string;
  stepPlan: string;
  content: string;
  reflection: string;
}

/** Grammars for the orchestrated mode's requests: the plan as JSON, then plain text for each part. */
export function orchestratedGrammars(language: "en" | "zh", words: readonly string[] = TINY_WORDS): OrchestratedGrammars {
  const protocol = protocolGrammars(language, words);
  const common = protocol.reflection.slice(protocol.reflection.indexOf("\n"));
  const paragraph = language === "zh" ? `para ::= sentence{3,8}` : `para ::= sentence (" " sentence){2,7}`;
  const text = language === "zh" ? `text ::= han{2,12}` : `text ::= word (" " word){0,4}`;
  return {
    plan: String.raw`root ::= "{\"sections\":[" section ("," section){1,5} "]}"
section ::= "{\"title\":\"" text "\",\"brief\":\"" text "\",\"budget\":" [1-9] [0-9] [0-9] "}"
${text}${common}`,
    stepPlan: `root ::= sentence${common}`,
    content: String.raw`root ::= para ("\n\n" para)*
${paragraph}${common}`,
    reflection: `root ::= sentence${common}`,
  };
}
