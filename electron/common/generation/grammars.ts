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

/** The rules every grammar here shares: sentences, words (or Han characters), titles, paragraphs. */
function shared(language: "en" | "zh", words: readonly string[]): string {
  const protocol = protocolGrammars(language, words);
  const paragraph = language === "zh" ? `para ::= sentence{3,8}` : `para ::= sentence (" " sentence){2,7}`;
  return `${paragraph}${protocol.reflection.slice(protocol.reflection.indexOf("\n"))}`;
}

export interface AgentWriteGrammars {
  /** The plan: 2 to 5 lines "Paragraph N - Main point: … - Word count: N words", numbered in order. */
  plan: string;
  /** A paragraph's text (it never ends by itself: its budget ends it). */
  content: string;
}

/** Grammars for AgentWrite's requests: the plan of paragraphs, then plain text for each. */
export function agentWriteGrammars(language: "en" | "zh", words: readonly string[] = TINY_WORDS): AgentWriteGrammars {
  const line = (i: number) =>
    language === "zh" ? `"段落${i} - 主要内容：" point " - 字数要求：" num "字"` : `"Paragraph ${i} - Main point: " point " - Word count: " num " words"`;
  const point = language === "zh" ? `point ::= han{4,12}` : `point ::= word (" " word){2,8}`;
  // Lines 3 to 5 are each optional, in order: the numbering stays 1, 2, 3, …
  const rest = `("\\n" ${line(3)} ("\\n" ${line(4)} ("\\n" ${line(5)})?)?)?`;
  return {
    plan: `root ::= ${line(1)} "\\n" ${line(2)} ${rest}\n${point}\nnum ::= [2-9] [0-9] [0-9]\n${shared(language, words)}`,
    content: `root ::= para ("\\n\\n" para)*\n${shared(language, words)}`,
  };
}

export interface OnePassGrammars {
  /** LongWriter-Zero's planning, after the forced `<think>`: sections with budgets, then `</think>`. */
  think: string;
  /**
   * The draft: one or two "## " sections of one or two paragraphs, then the end of the answer (the
   * end of generation, or `</answer>` for think-answer). It ends by itself well below most targets,
   * which is what exercises the continuation rule.
   */
  answer: string;
}

/** Grammars for the one-pass modes: direct (Markdown with headings) and think-answer. */
export function onePassGrammars(language: "en" | "zh", mode: "direct" | "think-answer", words: readonly string[] = TINY_WORDS): OnePassGrammars {
  const budgetLine = language === "zh" ? `"字数：" [1-9] [0-9] [0-9] "字"` : `"Word count: " [1-9] [0-9] [0-9]`;
  const end = mode === "think-answer" ? ` "\\n</answer>"` : "";
  return {
    think: `root ::= plansection ("\\n\\n" plansection){1,3} "\\n</think>"\nplansection ::= "## " title "\\n" ${budgetLine} "\\n" sentence\n${shared(language, words)}`,
    answer: `root ::= section ("\\n\\n" section)?${end}\nsection ::= "## " title "\\n\\n" para ("\\n\\n" para)?\n${shared(language, words)}`,
  };
}

/** A rewritten passage: paragraphs that never end by themselves (the rewrite's target ends them). */
export function rewriteGrammar(language: "en" | "zh", words: readonly string[] = TINY_WORDS): string {
  return `root ::= para ("\\n\\n" para)*\n${shared(language, words)}`;
}

/**
 * A summary or digest the model is asked for (story memory): a few sentences, then `close` (IS-CoT's
 * `</summary>`; nothing where the answer's end closes it).
 */
export function summaryGrammar(language: "en" | "zh", close = "", words: readonly string[] = TINY_WORDS): string {
  return `root ::= sentence (" " sentence){0,3}${close ? ` ${JSON.stringify(close)}` : ""}\n${shared(language, words)}`;
}
