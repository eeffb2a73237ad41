// `draftline doctor` and the model manager's "Check this model": a short session (a 600-word document)
// with the loaded model in its profile, through the same writing loop a document gets, and what it
// shows about the model — whether it kept to the tags, leaked thinking, read the plan and its budgets,
// kept to each step's budget, why each request stopped, and its speed. A writer learns in a minute
// whether a model will work, and a bug report carries facts.
import type { DoctorReport } from "../../common/api/models";
import type { GenerationMode } from "../../common/api/generation";
import { stepBudget, writtenWords } from "../../common/generation/rules";
import { createManuscript, type Manuscript } from "../../common/manuscript";
import type { Backend, GenerateRequest, GenerateResult } from "../engine/backend";
import { createMode, type ModeModel } from "./modes";
import type { SessionOptions } from "./session";
import { Writer } from "./writer";

export const DOCTOR_INSTRUCTION = "Write a 600-word article about how tea is grown and made, in three sections.";
export const DOCTOR_TARGET = 600;

/** The modes whose model writes the IS-CoT tags (or LongWriter-Zero's) itself: there "followed the tags" means something. */
const TAG_MODES: readonly GenerationMode[] = ["native", "prompted", "think-answer"];

export interface DoctorModel extends ModeModel {
  backend: Backend;
  /** The model's name, for the report. */
  name: string;
  sampling?: SessionOptions["sampling"];
}

export interface DoctorOptions {
  mode: GenerationMode;
  /** Stops the session (the report says so). */
  signal?: AbortSignal;
  /** After each request (for a progress line). */
  onRequest?: (count: number) => void;
}

type RequestRecord = DoctorReport["requests"][number];

/** The backend as the writing loop sees it, with each generate recorded: why it stopped, its tokens and time. */
function recording(backend: Backend, requests: RequestRecord[], onRequest?: (count: number) => void): Backend {
  const generate = async (request: GenerateRequest): Promise<GenerateResult> => {
    const started = performance.now();
    const result = await backend.generate(request);
    requests.push({
      stopReason: result.stopReason,
      stopString: result.stopString ?? null,
      promptTokens: result.inputTokensDecoded,
      generatedTokens: result.generatedTokens,
      seconds: (performance.now() - started) / 1000,
    });
    onRequest?.(requests.length);
    return result;
  };
  return new Proxy(backend, {
    get(target, property) {
      if (property === "generate") return generate;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Runs the short session and reports on it. */
export async function runDoctor(model: DoctorModel, options: DoctorOptions): Promise<DoctorReport> {
  const requests: RequestRecord[] = [];
  const notes: string[] = [];
  // Which calls were the story memory's (summaries of steps leaving a small window): their length is
  // Draftline's limit, not the model's format, so they do not count for or against the tags.
  const purposes: ("write" | "memory")[] = [];
  const writer = new Writer({
    onCall: (call) => purposes.push(call.purpose),
    mode: createMode(options.mode, model, "en"),
    backend: recording(model.backend, requests, options.onRequest),
    manuscript: createManuscript({ instruction: DOCTOR_INSTRUCTION, targetWords: DOCTOR_TARGET, language: "en" }),
    ...(model.sampling ? { sampling: model.sampling } : {}),
    onNote: (note) => notes.push(note),
  });
  const stop = () => writer.stop();
  options.signal?.addEventListener("abort", stop, { once: true });
  let outcome: DoctorReport["outcome"];
  try {
    const ended = await writer.run();
    outcome = { status: ended.status, reason: ended.reason, words: writtenWords(writer.manuscript) };
  } catch (error) {
    outcome = { status: "error", reason: error instanceof Error ? error.message : String(error), words: writtenWords(writer.manuscript) };
  } finally {
    options.signal?.removeEventListener("abort", stop);
  }
  const m = writer.manuscript;
  const generated = requests.reduce((n, r) => n + r.generatedTokens, 0);
  const seconds = requests.reduce((n, r) => n + r.seconds, 0);
  return {
    model: model.name,
    mode: options.mode,
    instruction: DOCTOR_INSTRUCTION,
    targetWords: DOCTOR_TARGET,
    outcome,
    tags: tagsFollowed(
      options.mode,
      requests.filter((_, i) => purposes[i] !== "memory"),
      notes,
      purposes.filter((p) => p === "memory").length,
    ),
    repetition: repetition(notes),
    thinking: thinkingLeaked(notes),
    plan: planRead(m, notes),
    steps: m.steps.map((step, i) => {
      const asked = step.targetWords ?? stepBudget(m, i);
      return {
        step: i + 1,
        section: m.sections.find((s) => s.id === step.sectionId)?.title ?? "",
        asked,
        words: step.words,
        ratio: asked ? Math.round((step.words / asked) * 100) / 100 : null,
      };
    }),
    requests,
    tokensPerSecond: seconds > 0.05 && generated > 0 ? Math.round((generated / seconds) * 10) / 10 : null,
    notes,
  };
}

/** Requests that ran out of tokens, or a think block never closed: a model that keeps to its format has none. */
function tagsFollowed(mode: GenerationMode, requests: readonly RequestRecord[], notes: readonly string[], memoryRequests = 0): DoctorReport["tags"] {
  const atTag = requests.filter((r) => r.stopReason === "stop").length;
  const ranOut = requests.filter((r) => r.stopReason === "maxTokens").length;
  const unclosed = notes.some((n) => n.includes("did not end with </think>"));
  const counts = `${atTag} of ${requests.length} requests ended at a tag or stop string, ${requests.filter((r) => r.stopReason === "eog").length} at the model's end of text, ${requests.filter((r) => r.stopReason === "abort").length} where Draftline cut them, ${ranOut} ran out of tokens${unclosed ? "; its think block was never closed" : ""}${memoryRequests > 0 ? `; besides, ${memoryRequests} summary requests of the story memory` : ""}`;
  const kept = requests.length > 0 && ranOut === 0 && !unclosed;
  if (!TAG_MODES.includes(mode)) return { followed: kept, detail: `the ${mode} mode asks for no tags: ${counts}` };
  return { followed: kept && atTag > 0, detail: counts };
}

function repetition(notes: readonly string[]): DoctorReport["repetition"] {
  const loops = notes.filter((n) => n.includes("repeat itself")).length;
  const retold = notes.filter((n) => n.includes("re-tell")).length;
  return { cuts: loops + retold, detail: loops + retold === 0 ? "nothing cut for repetition" : `${loops} cut for repeating itself back to back, ${retold} for re-telling earlier steps` };
}

function thinkingLeaked(notes: readonly string[]): DoctorReport["thinking"] {
  const leaks = notes.filter((n) => n.startsWith("The model thought aloud"));
  if (leaks.length === 0) return { leaked: false, detail: "no <think> block where none was asked for" };
  const words = leaks.reduce((n, note) => n + Number(/, (\d+) words?\)/.exec(note)?.[1] ?? 0), 0);
  return { leaked: true, detail: `${leaks.length} <think> block${leaks.length === 1 ? "" : "s"} (${words} words), taken out of the draft` };
}

function planRead(m: Manuscript, notes: readonly string[]): DoctorReport["plan"] {
  const sections = m.sections.length;
  const fixes = notes.filter((n) => /^The plan (gave no word budgets|named no sections|'s budgets added up)|^The model's plan could not be read/.test(n));
  const noBudgets = fixes.some((n) => /no word budgets|named no sections|could not be read/.test(n));
  const read = sections > 0 && !fixes.some((n) => /named no sections|could not be read/.test(n));
  const budgets = m.sections.map((s) => s.budget).join(" + ");
  const detail = sections === 0 ? "no plan was written" : `${sections} section${sections === 1 ? "" : "s"} (${budgets} words)${fixes.length > 0 ? `; ${fixes.join(" ")}` : "; budgets as the model gave them"}`;
  return { read, sections, budgetsGiven: read && !noBudgets, detail };
}
