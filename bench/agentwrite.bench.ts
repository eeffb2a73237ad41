// AgentWrite two ways, at 5,000 and 20,000 words: prompt tokens decoded by Draftline's AgentWrite
// mode, whose paragraph requests are chat turns appended to one token array (the text so far stays in
// the KV cache), against LongWriter's AgentWrite loop, which sends the instruction, the plan, the whole
// text so far and the paragraph to write with every request, each decoded whole.
//
// Real node-llama-cpp, the tiny test model held to the AgentWrite formats by grammars, one thread, a
// 32k context. Both sides start from the same plan of 500-word paragraphs (LongWriter's planning
// request is one request either way, so it is left out of both); the baseline's prompts are built from
// the paragraphs Draftline wrote and tokenized with the same model and chat template.
import { agentWritePlanLine } from "../electron/common/generation/prompts";
import { writtenWords } from "../electron/common/generation/rules";
import { extractPlan } from "../electron/common/iscot/plan";
import { createManuscript, type Manuscript } from "../electron/common/manuscript";
import { withRevision } from "../electron/common/manuscript/reducer";
import { matchSections } from "../electron/common/manuscript/sections";
import { EmbeddedBackend } from "../electron/node/engine/embedded";
import { AgentWriteMode } from "../electron/node/generation/agentwrite";
import { Writer } from "../electron/node/generation/writer";
import { ensureTestModel } from "../electron/node/engine/testModel";

/** The targets written (BENCH_TARGETS=5000 runs one). */
const TARGETS = process.env.BENCH_TARGETS ? process.env.BENCH_TARGETS.split(",").map(Number) : [5000, 20000];
const PARAGRAPH_WORDS = 500;

/** A manuscript whose plan is AgentWrite's: 500-word paragraphs adding up to the target. */
function planned(target: number): Manuscript {
  const count = Math.round(target / PARAGRAPH_WORDS);
  const text = Array.from({ length: count }, (_, i) => agentWritePlanLine(i + 1, `What part ${i + 1} of the report covers.`, PARAGRAPH_WORDS, "en")).join("\n");
  const m = createManuscript({ instruction: `Write a report of ${target} words about how writers plan long documents.`, targetWords: target, language: "en" });
  const { sections, next } = matchSections([], extractPlan(text).sections, 1);
  return withRevision(m, text, sections, next);
}

/**
 * LongWriter's write request for paragraph k (one per line of the plan), rebuilt in our own words with
 * the same parts: the instruction, the whole plan, the text of the paragraphs before it, and the
 * paragraph to write now.
 */
function resendPrompt(m: Manuscript, k: number): string {
  const plan = m.revisions[0]!.text;
  const earlier = new Set(m.sections.slice(0, k).map((s) => s.id));
  const text = m.steps
    .filter((s) => s.sectionId !== null && earlier.has(s.sectionId))
    .map((s) => s.content)
    .join("\n\n");
  const step = plan.split("\n")[k] ?? "";
  return [
    "You are an excellent writing assistant. You are given a writing instruction, a plan of the paragraphs to write, and the text already written.",
    "Go on with the text: write the paragraph named below, following the instruction and the plan.",
    `Writing instruction:\n${m.instruction}`,
    `Plan:\n${plan}`,
    `Text written so far:\n${text}`,
    `Write this paragraph now, and only it:\n${step}`,
  ].join("\n\n");
}

export default async function run(): Promise<Record<string, unknown>> {
  const backend = new EmbeddedBackend();
  await backend.load({ model: await ensureTestModel(), threads: 1, contextSize: 32768 });
  try {
    const runs: Record<string, unknown>[] = [];
    for (const target of TARGETS) {
      const started = Date.now();
      const notes: string[] = [];
      // Per request: the prefix the KV cache kept (sent less decoded) and what was decoded, the
      // paragraphs' requests apart from the story memory's (summaries).
      const requests = { write: { calls: 0, decoded: 0, reusedFromCache: 0 }, memory: { calls: 0, decoded: 0, reusedFromCache: 0 } };
      const controller = new Writer({
        backend,
        manuscript: planned(target),
        mode: new AgentWriteMode({ useGrammars: true }),
        sampling: { temperature: 0.9, seed: 17 },
        onNote: (n) => notes.push(n),
        onCall: (c) => {
          const r = requests[c.purpose];
          r.calls++;
          r.decoded += c.decoded;
          r.reusedFromCache += c.sent - c.decoded;
        },
      });
      const outcome = await controller.run();
      const m = controller.manuscript;
      let resent = 0;
      let largest = 0;
      for (let k = 0; k < m.sections.length; k++) {
        const tokens = (await backend.applyChatTemplate([{ role: "user", content: resendPrompt(m, k) }])).tokens.length;
        resent += tokens;
        largest = Math.max(largest, tokens);
      }
      const figures = {
        targetWords: target,
        words: writtenWords(m),
        paragraphs: m.sections.length,
        steps: m.steps.length,
        status: outcome.status,
        draftlinePromptTokensDecoded: controller.accounting.tokensDecoded,
        resendPromptTokensDecoded: resent,
        ratio: Number((resent / controller.accounting.tokensDecoded).toFixed(1)),
        draftlineContextTokensAtEnd: controller.progress().contextTokens,
        requests,
        resendLargestPromptTokens: largest,
        tokensGenerated: controller.accounting.tokensGenerated,
        compacted: notes.some((n) => n.includes("compacted")),
        // The tiny model's random text loops now and then: a cut paragraph is finished by another request.
        loopCuts: notes.filter((n) => n.includes("repeat itself")).length,
        seconds: (Date.now() - started) / 1000,
      };
      console.log(JSON.stringify(figures));
      runs.push(figures);
    }
    return {
      model: "Draftline tiny test model (random weights, AgentWrite grammars), node-llama-cpp, 1 thread, 32768-token context",
      note: "prompt tokens decoded while writing the paragraphs (the plan given to both); re-send = LongWriter's loop, one request per paragraph of the plan, each decoded whole; Draftline's count includes its extra requests (steps > paragraphs: paragraphs finished after a loop cut)",
      runs,
    };
  } finally {
    await backend.dispose();
  }
}
