// What the controller tells the model, per mode and language. Pure text: the controller wraps it in the
// model's own chat template.
import type { ChatMessage } from "../engine/types";

export type PromptLanguage = "en" | "zh";

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
