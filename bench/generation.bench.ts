// Tokens decoded as input while writing a 20-step document: Draftline's controller, which keeps one
// token array and the KV cache across steps, against an AgentWrite-style loop that sends the
// instruction, the plan and the whole text so far with every step (LongWriter's write prompt does).
// Then two edits while the model writes: a plan edit at step 15 of 20 (nothing already evaluated may
// be decoded again) and an edit to step 3's text (only from step 3 on may be decoded again).
//
// Real node-llama-cpp, the tiny test model held to the protocol by grammars, one thread, 32k context.
// The baseline's prompts are tokenized with the same tokenizer; each is decoded whole, as a request
// without a shared cache is.
import { protocolGrammars } from "../electron/common/generation/grammars";
import { writtenWords } from "../electron/common/generation/rules";
import { renderPlan } from "../electron/common/iscot/plan";
import { createManuscript, type Manuscript } from "../electron/common/manuscript";
import { withRevision } from "../electron/common/manuscript/reducer";
import { matchSections } from "../electron/common/manuscript/sections";
import { EmbeddedBackend } from "../electron/node/engine/embedded";
import { IsCotMode } from "../electron/node/generation/iscot";
import { fakeWriter } from "../electron/common/testing/fakeWriter";
import { ScriptedBackend } from "../electron/node/engine/testing/scriptedBackend";
import { Writer } from "../electron/node/generation/writer";
import { ensureTestModel } from "../electron/node/engine/testModel";

const STEPS = 20;
/** BENCH_LENGTHS=2000,5000 runs fewer lengths (a quick check); the report is for all four. */
const LENGTHS = process.env.BENCH_LENGTHS ? process.env.BENCH_LENGTHS.split(",").map(Number) : [2000, 5000, 10000, 20000];

/** A manuscript whose plan has 20 sections, the target spread evenly over them. */
function planned(target: number): Manuscript {
  const drafts = Array.from({ length: STEPS }, (_, i) => ({ title: `Part ${i + 1}`, brief: `What part ${i + 1} covers.`, budget: Math.round(target / STEPS) }));
  const m = createManuscript({ instruction: `Write a report of ${target} words about how writers plan long documents.`, targetWords: target, language: "en" });
  const { sections, next } = matchSections([], drafts, 1);
  return withRevision(m, renderPlan(drafts, "en"), sections, next);
}

/** The AgentWrite-style request for step k: everything, every time. A paraphrase of its structure. */
function agentWritePrompt(m: Manuscript, k: number): string {
  const plan = m.sections.map((s, i) => `Paragraph ${i + 1} - Main point: ${s.brief} - Word count: ${s.budget} words`).join("\n");
  const text = m.steps.slice(0, k).map((s) => s.content).join("\n\n");
  return [
    "You are a writing assistant. Here are a writing instruction, the planned steps, and the text written so far.",
    "Continue with the next paragraph, following the instruction, the steps and the text.",
    `Instruction:\n${m.instruction}`,
    `Steps:\n${plan}`,
    `Text written so far:\n${text}`,
    `Now write paragraph ${k + 1}, and only that paragraph.`,
  ].join("\n\n");
}

interface CallLog {
  sent: number;
  decoded: number;
  kept: number;
}

/** Decoded tokens that were already evaluated: what a call decoded beyond what was appended since the last. */
function redecoded(calls: CallLog[], from: number): number {
  let total = 0;
  for (let i = Math.max(1, from); i < calls.length; i++) {
    const prev = calls[i - 1]!;
    const appended = Math.max(0, calls[i]!.sent - (prev.sent + prev.kept));
    total += Math.max(0, calls[i]!.decoded - appended - 1);
  }
  return total;
}

export default async function run(): Promise<Record<string, unknown>> {
  const backend = new EmbeddedBackend();
  await backend.load({ model: await ensureTestModel(), threads: 1, contextSize: 32768 });
  try {
    const curves: Record<string, unknown>[] = [];
    for (const target of LENGTHS) {
      const calls: CallLog[] = [];
      const started = Date.now();
      const controller = new Writer({
        backend,
        manuscript: planned(target),
        mode: new IsCotMode("native", protocolGrammars("en")),
        sampling: { temperature: 0.9, seed: 17 },
        limits: { maxSteps: 200 },
        onCall: (c) => calls.push(c),
      });
      const outcome = await controller.run();
      const m = controller.manuscript;
      let baseline = 0;
      const wrote = m.steps.length;
      for (let k = 0; k < wrote; k++) baseline += (await backend.applyChatTemplate([{ role: "user", content: agentWritePrompt(m, k) }])).tokens.length;
      curves.push({
        targetWords: target,
        words: writtenWords(m),
        steps: wrote,
        status: outcome.status,
        draftlineTokensDecoded: controller.accounting.tokensDecoded,
        agentWriteTokensDecoded: baseline,
        ratio: Number((baseline / controller.accounting.tokensDecoded).toFixed(2)),
        tokensGenerated: controller.accounting.tokensGenerated,
        seconds: (Date.now() - started) / 1000,
      });
      console.log(JSON.stringify(curves[curves.length - 1]));
    }

    // A plan edit while step 15 of 20 is written; in another run, an edit to step 3's text while step 16 is.
    // The scripted model writes exactly each section's budget, so the document has exactly 20 steps
    // (the random model's steps vary); its tokens are characters, its KV cache behaves like llama.cpp's.
    const planEdit = await editRun("plan");
    const textEdit = await editRun("text");
    return {
      model: "Draftline tiny test model (random weights, protocol grammars), node-llama-cpp, 1 thread, 32768-token context",
      curves,
      edits: "scripted model (one token per character), 20 sections of 100 words, KV cache kept as llama.cpp keeps it",
      planEditAtStep15: {
        reDecodedUpToTheBoundary: planEdit.reDecoded,
        revisionTokensAppended: planEdit.boundaryDecoded,
        note: "tokens already evaluated that were decoded again from the edit up to and including the call that took it in; 0 = the revision was appended at the boundary and nothing before it was decoded again",
      },
      textEditOfStep3: {
        contextTokens: textEdit.boundarySent,
        step3StartsAtToken: textEdit.step3Offset,
        tokensFromStep3On: textEdit.boundarySent - textEdit.step3Offset,
        decodedAtBoundary: textEdit.boundaryDecoded,
        note: "decodedAtBoundary ≤ tokensFromStep3On (plus the tokens appended at the boundary): the prefix before step 3 stayed in the KV cache",
      },
    };
  } finally {
    await backend.dispose();
  }
}

/** Writes 2,000 words in 20 steps with one edit while the model writes; reports the decoding around it. */
async function editRun(kind: "plan" | "text") {
  const backend = new ScriptedBackend(fakeWriter({ sections: Array.from({ length: STEPS }, (_, i) => [`Part ${i + 1}`, 100] as [string, number]) }));
  const calls: CallLog[] = [];
  let editCall = -1;
  let step3Offset = 0;
  const controller: Writer = new Writer({
    backend,
    manuscript: planned(2000),
    mode: new IsCotMode("native"),
    onCall: (c) => {
      calls.push(c);
      const m = controller.manuscript;
      if (editCall >= 0) return;
      if (kind === "plan" && m.steps.length === 15) {
        const last = m.sections[STEPS - 1]!;
        controller.submitEdit({ type: "editSection", sectionId: last.id, budget: last.budget + 50 });
        editCall = calls.length;
      } else if (kind === "text" && m.steps.length === 16) {
        const step3 = m.steps[2]!;
        controller.submitEdit({ type: "editStep", stepId: step3.id, content: `${step3.content}\n\nAn added closing sentence for part three.` });
        editCall = calls.length;
        step3Offset = controller.stepOffset(2);
      }
    },
  });
  await controller.run();
  // The boundary call takes the edit in: the one after the edit that decoded the most.
  const after = calls.slice(editCall);
  const boundary = after.reduce((best, c, i) => (c.decoded > (after[best]?.decoded ?? 0) ? i : best), 0);
  if (editCall < 0) throw new Error(`The ${kind} edit never happened: the document had ${controller.manuscript.steps.length} steps.`);
  return {
    reDecoded: redecoded(after.slice(0, boundary + 1), 0),
    boundaryDecoded: after[boundary]?.decoded ?? 0,
    boundarySent: after[boundary]?.sent ?? 0,
    step3Offset,
  };
}
