// What the controller tells the model, per mode and language. Pure text: the controller wraps it in the
// model's own chat template.
import type { ChatMessage } from "../engine/types";

export type PromptLanguage = "en" | "zh";

/**
 * The first request's messages with the story bible's entries in use (a note the model reads with the
 * instruction): appended to the last user message.
 */
export function withBible(messages: ChatMessage[], bible: string): ChatMessage[] {
  if (bible === "") return messages;
  const last = messages.map((m) => m.role).lastIndexOf("user");
  if (last < 0) return [...messages, { role: "user", content: bible }];
  return messages.map((m, i) => (i === last ? { ...m, content: `${m.content}\n\n${bible}` } : m));
}

/** The model's answer to a note the controller gives it between requests (the chat modes). */
export function noteAcknowledged(language: PromptLanguage): string {
  return language === "zh" ? "好的。" : "Noted.";
}

/** The writer's instruction with the target length stated, as IS-Writer was trained to read it. */
export function userInstruction(instruction: string, target: number | null, language: PromptLanguage): string {
  const text = instruction.trim();
  if (target === null) return text;
  return language === "zh" ? `${text}\n\n目标字数：约${target}字。` : `${text}\n\nTarget length: about ${target} words.`;
}

const PROTOCOL_EN = `You write long documents in a fixed protocol, so that the length and structure stay under control.
1. First write a global plan inside <global_plan>...</global_plan>: the document's sections, one per line as "## Title", then "Word count: N" and a one-line brief. The budgets add up to the target length.
2. Then write the document step by step. Each step is:
<step_plan> what this step covers and how many words it gets </step_plan>
<content> the text of the step, in Markdown </content>
<reflection> progress against the target, whether the text is coherent with the plan, what to adjust </reflection>
3. Repeat steps until the target length is reached, then write <FINISHED>.
Write only the tags and their contents. Never stop before the target length.`;

const EXAMPLE_EN = `Example for "Write a 600-word story about a lighthouse keeper":
<global_plan>
## The storm
Word count: 300
The keeper sees a ship in trouble.
## The rescue
Word count: 300
He rows out and brings the crew home.
</global_plan>
<step_plan>
Section: The storm. The keeper, the rising wind, the ship's light. 300 words.
</step_plan>
<content>
The wind had been rising since noon...
</content>
<reflection>
Word count: 298/600. The storm is set up; next, the rescue.
</reflection>
<step_plan>
Section: The rescue. 300 words.
</step_plan>
<content>
...
</content>
<reflection>
Word count: 605/600. Target reached.
</reflection>
<FINISHED>`;

const PROTOCOL_ZH = `你按固定的协议写长文，以便控制篇幅和结构。
1. 先在 <global_plan>...</global_plan> 中写总体规划：文章的各个部分，每部分一行 "## 标题"，然后 "字数：N字" 和一句简介。各部分字数之和等于目标字数。
2. 然后一步一步地写。每一步是：
<step_plan> 这一步写什么、写多少字 </step_plan>
<content> 这一步的正文（Markdown） </content>
<reflection> 对照目标字数的进度、与规划是否一致、需要调整什么 </reflection>
3. 重复这些步骤直到达到目标字数，然后写 <FINISHED>。
只写这些标签和其中的内容。达到目标字数之前不要停止。`;

const EXAMPLE_ZH = `示例，"写一篇600字的灯塔看守人的故事"：
<global_plan>
## 风暴
字数：300字
看守人看见一艘遇险的船。
## 救援
字数：300字
他划船出海，把船员带回岸上。
</global_plan>
<step_plan>
部分：风暴。300字。
</step_plan>
<content>
从中午起风就越来越大……
</content>
<reflection>
字数：298/600。风暴已经铺垫好；下一步写救援。
</reflection>
<step_plan>
部分：救援。300字。
</step_plan>
<content>
……
</content>
<reflection>
字数：605/600。已达到目标。
</reflection>
<FINISHED>`;

/** The messages that open a native-mode generation: the instruction alone (the model knows the protocol). */
export function nativeMessages(instruction: string, target: number | null, language: PromptLanguage): ChatMessage[] {
  return [{ role: "user", content: userInstruction(instruction, target, language) }];
}

/** Prompted mode: a system prompt that teaches the protocol with a short example, then the instruction. */
export function promptedMessages(instruction: string, target: number | null, language: PromptLanguage): ChatMessage[] {
  const system = language === "zh" ? `${PROTOCOL_ZH}\n\n${EXAMPLE_ZH}` : `${PROTOCOL_EN}\n\n${EXAMPLE_EN}`;
  return [
    { role: "system", content: system },
    { role: "user", content: userInstruction(instruction, target, language) },
  ];
}

/** Orchestrated mode, first request: the plan as JSON. */
export function orchestratedPlanMessages(instruction: string, target: number | null, language: PromptLanguage): ChatMessage[] {
  const ask =
    language === "zh"
      ? `请为下面的写作任务制定规划，以 JSON 输出：{"sections":[{"title":"…","brief":"…","budget":字数}]}，各部分字数之和为${target ?? "合适的长度"}。\n\n任务：${instruction.trim()}`
      : `Plan the document for the writing task below. Answer with JSON only: {"sections":[{"title":"...","brief":"...","budget":words}]}, the budgets adding up to ${target ?? "a suitable length"} words.\n\nTask: ${instruction.trim()}`;
  return [{ role: "user", content: ask }];
}

/** Orchestrated mode: the request for one step's plan. */
export function orchestratedStepPlanAsk(section: { title: string; brief: string }, words: number, language: PromptLanguage): string {
  return language === "zh"
    ? `下一步写「${section.title}」（${section.brief}），约${words}字。用一两句话写出这一步的要点。`
    : `Next step: the section "${section.title}" (${section.brief}), about ${words} words. In one or two sentences, plan what this step covers.`;
}

/** Orchestrated mode: the request for one step's text. */
export function orchestratedContentAsk(words: number, language: PromptLanguage): string {
  return language === "zh" ? `现在写出这一步的正文，约${words}字，只写正文。` : `Now write the text of this step, about ${words} words. Write only the text.`;
}

/** Orchestrated mode: the request for a short reflection, with the exact progress. */
export function orchestratedReflectionAsk(progress: string, language: PromptLanguage): string {
  return language === "zh" ? `${progress} 用一句话检查这一步与规划是否一致，以及下一步要注意什么。` : `${progress} In one sentence, check this step against the plan and say what the next step should mind.`;
}

// ---- AgentWrite (LongWriter): a plan of paragraphs, then one paragraph per request ---------------
// The English requests are LongWriter's own prompts, agentwrite/prompts/plan.txt and write.txt
// (github.com/THUDM/LongWriter, commit 3fcfdff), with their placeholders filled in; the Chinese ones
// translate them sentence by sentence (LongWriter publishes English prompts only).

/** LongWriter's plan.txt; `$INST$` is the writing instruction. */
const AGENTWRITE_PLAN_EN = `I need you to help me break down the following long-form writing instruction into multiple subtasks. Each subtask will guide the writing of one paragraph in the essay, and should include the main points and word count requirements for that paragraph.

The writing instruction is as follows:

$INST$

Please break it down in the following format, with each subtask taking up one line:

Paragraph 1 - Main Point: [Describe the main point of the paragraph, in detail] - Word Count: [Word count requirement, e.g., 400 words]

Paragraph 2 - Main Point: [Describe the main point of the paragraph, in detail] - Word Count: [word count requirement, e.g. 1000 words].

...

Make sure that each subtask is clear and specific, and that all subtasks cover the entire content of the writing instruction. Do not split the subtasks too finely; each subtask's paragraph should be no less than 200 words and no more than 1000 words. Do not output any other content.`;

const AGENTWRITE_PLAN_ZH = `我需要你帮我把下面这个长文写作指令拆分成多个子任务。每个子任务指导文章中一个段落的写作，应包括这一段的主要内容和字数要求。

写作指令如下：

$INST$

请按以下格式拆分，每个子任务占一行：

段落1 - 主要内容：[详细描述这一段的主要内容] - 字数要求：[字数要求，例如400字]

段落2 - 主要内容：[详细描述这一段的主要内容] - 字数要求：[字数要求，例如1000字]。

...

确保每个子任务清晰具体，并且所有子任务覆盖写作指令的全部内容。不要把子任务拆得太细；每个子任务的段落不少于200字，不多于1000字。不要输出任何其他内容。`;

/**
 * The closing paragraph of LongWriter's write.txt, in two parts: the request (`$STEP$` is the plan line
 * of the paragraph to write) and the rules that follow it. The instruction, the plan and the text so
 * far that write.txt repeats in every request are already in the model's context here (one chat, its
 * KV cache kept), and so are the rules once a request said them: the first paragraph request the
 * model reads says the whole paragraph, each later one its request alone.
 */
const AGENTWRITE_STEP_EN = "Please integrate the original writing instruction, writing steps, and the already written text, and now continue writing $STEP$.";
const AGENTWRITE_RULES_EN =
  "If needed, you can add a small subtitle at the beginning. Remember to only output the paragraph you write, without repeating the already written text. As this is an ongoing work, omit open-ended conclusions or other rhetorical hooks.";

const AGENTWRITE_STEP_ZH = "请综合原始写作指令、写作步骤和已经写好的正文，现在接着写$STEP$。";
const AGENTWRITE_RULES_ZH = "如有需要，可以在开头加一个小标题。记住只输出你写的这一段，不要重复已经写好的正文。由于这是一篇仍在写作中的作品，请省略开放式的结论或其他修辞上的引子。";

/** AgentWrite, first request: LongWriter's plan prompt (plan.txt) with the instruction and its target. */
export function agentWritePlanMessages(instruction: string, target: number | null, language: PromptLanguage): ChatMessage[] {
  const template = language === "zh" ? AGENTWRITE_PLAN_ZH : AGENTWRITE_PLAN_EN;
  return [{ role: "user", content: template.replace("$INST$", () => userInstruction(instruction, target, language)) }];
}

/** One line of an AgentWrite plan, as the plan request asks for it (extractPlan reads it back). */
export function agentWritePlanLine(index: number, brief: string, words: number, language: PromptLanguage): string {
  const point = brief.replace(/\s+/g, " ").trim() || (language === "zh" ? "接着写下去" : "Go on with the text");
  return language === "zh" ? `段落${index} - 主要内容：${point} - 字数要求：${words}字` : `Paragraph ${index} - Main point: ${point} - Word count: ${words} words`;
}

/**
 * AgentWrite: the request for one paragraph, LongWriter's write.txt: continue writing `step` (the
 * paragraph's line of the plan). `continuing`: the paragraph was begun and `step` asks for the words it
 * still needs, from where the text stopped. `rules`: write.txt's rules follow the request (a subtitle
 * allowed, nothing written repeated, no open-ended conclusion): said once, where the model has not
 * read them yet.
 */
export function agentWriteParagraphAsk(p: { step: string; continuing: boolean; rules: boolean }, language: PromptLanguage): string {
  const request = (language === "zh" ? AGENTWRITE_STEP_ZH : AGENTWRITE_STEP_EN).replace("$STEP$", () => p.step);
  const rules = language === "zh" ? AGENTWRITE_RULES_ZH : ` ${AGENTWRITE_RULES_EN}`;
  const ask = p.rules ? `${request}${rules}` : request;
  if (!p.continuing) return ask;
  return language === "zh" ? `这一段已经写了一部分，从正文停下的地方接着写。${ask}` : `This paragraph was begun: go on from where the text stopped. ${ask}`;
}

/** AgentWrite: the revised plan a paragraph request carries after the writer changed it. */
export function agentWriteRevisedPlan(lines: string[], language: PromptLanguage): string {
  return `${language === "zh" ? "写作计划已修改，现在是：" : "The plan was revised; it now is:"}\n${lines.join("\n")}`;
}

// ---- Direct (LongWriter models) and think-answer (LongWriter-Zero): one pass ---------------------

/** Direct mode: the instruction with the target stated, and Markdown headings asked for (the sections). */
export function directMessages(instruction: string, target: number | null, language: PromptLanguage): ChatMessage[] {
  const format = language === "zh" ? "用 Markdown 写全文，每个部分以“## ”标题开头。" : 'Write the whole text in Markdown, each section under a "## " heading.';
  return [{ role: "user", content: `${userInstruction(instruction, target, language)}\n\n${format}` }];
}

/**
 * Think-answer mode: the planning goes in `<think>`, the text in `<answer>` (the format LongWriter-Zero
 * was trained on; its raw prompt format in the catalog replaces this system message).
 */
export function thinkAnswerMessages(instruction: string, target: number | null, language: PromptLanguage): ChatMessage[] {
  const system =
    language === "zh"
      ? "用户给出写作任务，助手完成它。动笔之前，助手先深入思考：结构、各部分及其字数、风格和读者，并检查自己的计划。思考写在 <think> </think> 中，成文写在 <answer> </answer> 中：<think> 计划 </think><answer> 正文 </answer>。"
      : "The user gives a writing task and the assistant completes it. Before writing, the assistant thinks it through: the structure, the sections and their lengths, the style and the reader, and it checks its plan. The thinking goes inside <think> </think> and the finished text inside <answer> </answer>: <think> the plan </think><answer> the text </answer>.";
  return [
    { role: "system", content: system },
    { role: "user", content: userInstruction(instruction, target, language) },
  ];
}

/**
 * The continuation rule for the one-pass modes: the model ended well below the target, or with planned
 * sections unwritten (`missing`), so it is asked to go on from where it stopped (its text stays in the
 * context), for at least what those sections need. `plan`: the plan as the writer changed it.
 */
export function continueAsk(words: number, target: number, language: PromptLanguage, plan: string | null = null, missing: ReadonlyArray<{ title: string; budget: number }> = []): string {
  const left = Math.max(0, target - words, missing.reduce((n, m) => n + m.budget, 0));
  const revised = plan ? (language === "zh" ? `\n\n作者修改了规划，现在是：\n${plan}` : `\n\nThe writer changed the plan; it now is:\n${plan}`) : "";
  const sections = missing.map((m) => (language === "zh" ? `“${m.title}”（约${m.budget}字）` : `"${m.title}" (about ${m.budget} words)`));
  const still = sections.length === 0 ? "" : language === "zh" ? `还没有写的部分：${sections.join("、")}。` : ` The plan's sections not written yet: ${sections.join(", ")}.`;
  return language === "zh"
    ? `正文写到${words}字就停了，要求是${target}字。请从停下的地方接着写，不要重复已写的内容，也不要急于收尾，还需要约${left}字；新的部分各用“## ”标题开头。${still}${revised}`
    : `The text stopped at ${words} of the ${target} words asked for. Go on from where it stopped, without repeating what is written and without wrapping up early: about ${left} more words, each new section under a "## " heading.${still}${revised}`;
}

// ---- The writer's voice: every mode's opening prompt carries it ----------------------------------

/** The samples of the writer's prose the prompt carries (trimmed to their budget by the back end). */
export interface VoicePrompt {
  document: string | null;
  sections: { title: string; sample: string }[];
}

/**
 * The part of the prompt that asks the model to write in the writer's voice: the document's sample,
 * and each section's own (which replaces it in that section). Null when no sample is set.
 */
export function voiceInstruction(voice: VoicePrompt, language: PromptLanguage): string | null {
  if (voice.document === null && voice.sections.length === 0) return null;
  const quote = (sample: string) => `"""\n${sample}\n"""`;
  const parts: string[] = [];
  if (language === "zh") {
    if (voice.document !== null) parts.push(`用作者本人的文风来写。下面是作者自己写的一段文字：模仿它的句子长短与节奏、用词、语气和叙述视角，但不要照搬它的内容。\n${quote(voice.document)}`);
    for (const s of voice.sections) parts.push(`写「${s.title}」这一部分时，改用下面这段文字的文风：\n${quote(s.sample)}`);
  } else {
    if (voice.document !== null) parts.push(`Write in the writer's own voice. Here is a sample of their prose: match its sentence length and rhythm, word choice, tone and point of view, but not its content.\n${quote(voice.document)}`);
    for (const s of voice.sections) parts.push(`In the section "${s.title}", write in the voice of this sample instead:\n${quote(s.sample)}`);
  }
  return parts.join("\n\n");
}

/**
 * Opening messages with the voice added to the writer's task (the first user message), where every
 * mode's model reads the instruction; unchanged without a voice.
 */
export function withVoice(messages: readonly ChatMessage[], voice: string | null): ChatMessage[] {
  if (!voice) return [...messages];
  const at = messages.findIndex((m) => m.role === "user");
  if (at < 0) return [...messages, { role: "user", content: voice }];
  return messages.map((m, i) => (i === at ? { ...m, content: `${m.content}\n\n${voice}` } : m));
}

// ---- Rewriting a passage the writer selected --------------------------------------------------------

/** What the model is told about a passage to rewrite and where it stands. */
export interface RewritePromptInput {
  /** The document's instruction. */
  task: string;
  section: { title: string; brief: string } | null;
  /** The plan of the step the passage is in. */
  stepPlan: string;
  /** The writer's voice sample for that section (or the document's), or null. */
  voice: string | null;
  before: string;
  passage: string;
  after: string;
  kind: "rewrite" | "expand" | "shorten" | "instruction";
  /** The writer's own instruction (kind "instruction"). */
  instruction?: string;
  /** The length to aim at, in words (characters for Chinese). */
  targetWords: number;
}

const REWRITE_BEFORE_CHARS = 2000;
const REWRITE_AFTER_CHARS = 800;

/**
 * The request for a rewritten passage: the document, the section's plan, the step's plan and the
 * writer's voice, the text around the passage (what it must still lead from and into), the passage,
 * and what to do with it at what length. The answer is the new passage alone.
 */
export function rewriteMessages(input: RewritePromptInput, language: PromptLanguage): ChatMessage[] {
  const quote = (text: string) => `"""\n${text}\n"""`;
  const before = input.before.length > REWRITE_BEFORE_CHARS ? `…${input.before.slice(-REWRITE_BEFORE_CHARS)}` : input.before;
  const after = input.after.length > REWRITE_AFTER_CHARS ? `${input.after.slice(0, REWRITE_AFTER_CHARS)}…` : input.after;
  const n = input.targetWords;
  const zh = language === "zh";
  const system = zh
    ? "你在为作者修改一篇较长文档中的一段文字。只回答修改后的这一段，用 Markdown，按它在正文中的样子写：不要加引号或标题，前后不要有任何说明。"
    : "You revise one passage of a longer document for its writer. Answer with the new passage only, in Markdown, as it will stand in the text: no quotation marks around it, no title, no comment before or after it.";
  const task = zh
    ? {
        rewrite: `改写这一段：意思、事实和叙述视角不变，写得更好，约${n}字。`,
        expand: `把这一段扩写到约${n}字：补充细节和描写，但不要写到后文已经写的内容。`,
        shorten: `把这一段缩写到约${n}字：保留要紧的内容。`,
        instruction: `按作者的要求修改这一段：${input.instruction?.trim() ?? ""}（约${n}字）`,
      }[input.kind]
    : {
        rewrite: `Rewrite the passage: the same meaning, facts and point of view, said better, in about ${n} words.`,
        expand: `Expand the passage to about ${n} words: more detail and description, without reaching into what the text after it says.`,
        shorten: `Shorten the passage to about ${n} words: keep what matters.`,
        instruction: `Revise the passage as the writer asks: ${input.instruction?.trim() ?? ""} (about ${n} words).`,
      }[input.kind];
  const parts: string[] = [];
  if (zh) {
    parts.push(`文档的写作任务：${input.task.trim()}`);
    if (input.section) parts.push(`这一段所在的部分：「${input.section.title}」${input.section.brief.trim() ? `——${input.section.brief.trim()}` : ""}`);
    if (input.stepPlan.trim()) parts.push(`这部分的计划：${input.stepPlan.trim()}`);
    if (input.voice) parts.push(`用作者本人的文风来写，模仿这段文字（不要照搬内容）：\n${quote(input.voice)}`);
    if (before.trim()) parts.push(`这一段前面的文字：\n${quote(before)}`);
    parts.push(`要修改的这一段：\n${quote(input.passage)}`);
    if (after.trim()) parts.push(`这一段后面的文字：\n${quote(after)}`);
    parts.push(`${task}只回答新的这一段，它要能接上前文、引出后文。`);
  } else {
    parts.push(`The document's task: ${input.task.trim()}`);
    if (input.section) parts.push(`The passage is in the section "${input.section.title}"${input.section.brief.trim() ? `: ${input.section.brief.trim()}` : "."}`);
    if (input.stepPlan.trim()) parts.push(`The plan of this part: ${input.stepPlan.trim()}`);
    if (input.voice) parts.push(`Write in the writer's own voice, like this sample of their prose (not its content):\n${quote(input.voice)}`);
    if (before.trim()) parts.push(`The text before the passage:\n${quote(before)}`);
    parts.push(`The passage:\n${quote(input.passage)}`);
    if (after.trim()) parts.push(`The text after the passage:\n${quote(after)}`);
    parts.push(`${task} Answer with the new passage only; it must follow from the text before it and lead into the text after it.`);
  }
  return [
    { role: "system", content: system },
    { role: "user", content: parts.join("\n\n") },
  ];
}
