// The streaming IS-CoT parser on a 100,000-word transcript fed in 4-character chunks, as tokens arrive:
// throughput, and the cost of a chunk at the start and at the end of the document (it must not grow).
// Also the word counts on the same text, and how the time of `draftline parse` and `draftline count` grows
// with the size of transcripts shaped to find quadratic work (ADVERSARIAL_SHAPES: each size doubled
// twice, up to about 13 MB; a ratio of CPU time near 2 per doubling is linear, near 4 quadratic). Run by
// `npm run bench parser`, or directly:
//   npx esbuild bench/parser.bench.ts --bundle --platform=node --format=esm --packages=external --outfile=/tmp/pb.mjs
//   node -e 'import("/tmp/pb.mjs").then(async m=>console.log(await m.default()))'
import { describeWarning } from "../electron/common/iscot/events";
import { TranscriptParser } from "../electron/common/iscot/parser";
import { ADVERSARIAL_SHAPES } from "../electron/common/iscot/testing/adversarial";
import { applyEvents, createManuscript, parseTranscript } from "../electron/common/manuscript/reducer";
import { manuscriptText } from "../electron/common/manuscript/views";
import { countLongBenchWords, countWords, countWriterWords } from "../electron/common/metrics/words";
import { lineLocator } from "../electron/node/cli/commands/parse";

const TARGET_WORDS = 100_000;
const CHUNK = 4;
const VOCABULARY = (
  "tea leaf history trade dynasty ritual culture porcelain harvest steep aroma merchant caravan monastery scholar " +
  "garden mountain river village market emperor poet ceremony fragrance bitterness sweetness season spring autumn " +
  "the a of and in to with from by for as that which while although because however it's well-known don't 1,000 3.14"
).split(" ");

/** A deterministic pseudo-random generator (xorshift), so every run parses the same text. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

function paragraph(next: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    let w = VOCABULARY[Math.floor(next() * VOCABULARY.length)]!;
    if (i === 0 || out[out.length - 1]!.endsWith(".")) w = w[0]!.toUpperCase() + w.slice(1);
    if (i === words - 1 || next() < 0.08) w += ".";
    else if (next() < 0.06) w += ",";
    out.push(w);
  }
  return out.join(" ");
}

/** An IS-CoT transcript whose content holds `target` words (writer's count), with a plan and 50 steps. */
export function buildTranscript(target: number): string {
  const next = random(0x5eed);
  const steps = 50;
  const perStep = Math.ceil(target / steps);
  const plan = Array.from({ length: 10 }, (_, i) => `${i + 1}. Part ${i + 1} of the history of tea (${perStep * 5} words): ${paragraph(next, 12)}`).join("\n");
  const parts = [`<global_plan>\n${plan}\n</global_plan>\n`];
  let written = 0;
  for (let s = 0; s < steps; s++) {
    const paragraphs: string[] = [];
    for (let w = 0; w < perStep; ) {
      const size = Math.min(perStep - w, 60 + Math.floor(next() * 80));
      paragraphs.push(paragraph(next, size));
      w += size;
    }
    written += perStep;
    parts.push(
      `<step_plan>\nPart ${Math.floor(s / 5) + 1}: ${paragraph(next, 20)} About ${perStep} words.\n</step_plan>\n`,
      `<content>\n${paragraphs.join("\n\n")}\n</content>\n`,
      `<reflection>\nWord count: ${written}/${target}. ${paragraph(next, 25)}\n</reflection>\n`,
    );
  }
  parts.push("<FINISHED>");
  return parts.join("");
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Parses all chunks; returns the total time and the time spent on the first and the last tenth of them. */
function timeParse(pieces: string[]): { totalMs: number; firstTenthMs: number; lastTenthMs: number; events: number } {
  const parser = new TranscriptParser();
  const tenth = Math.floor(pieces.length / 10);
  let events = 0;
  const t0 = performance.now();
  for (let i = 0; i < tenth; i++) events += parser.feed(pieces[i]!).length;
  const t1 = performance.now();
  for (let i = tenth; i < pieces.length - tenth; i++) events += parser.feed(pieces[i]!).length;
  const t2 = performance.now();
  for (let i = pieces.length - tenth; i < pieces.length; i++) events += parser.feed(pieces[i]!).length;
  events += parser.end().length;
  const t3 = performance.now();
  return { totalMs: t3 - t0, firstTenthMs: t1 - t0, lastTenthMs: t3 - t2, events };
}

/** The live path: each chunk's events applied to the manuscript at once, as the generation controller does. */
function timeLive(pieces: string[]): { totalMs: number; firstTenthMs: number; lastTenthMs: number } {
  const parser = new TranscriptParser();
  let m = createManuscript();
  const tenth = Math.floor(pieces.length / 10);
  const t0 = performance.now();
  for (let i = 0; i < tenth; i++) m = applyEvents(m, parser.feed(pieces[i]!));
  const t1 = performance.now();
  for (let i = tenth; i < pieces.length - tenth; i++) m = applyEvents(m, parser.feed(pieces[i]!));
  const t2 = performance.now();
  for (let i = pieces.length - tenth; i < pieces.length; i++) m = applyEvents(m, parser.feed(pieces[i]!));
  m = applyEvents(m, parser.end());
  const t3 = performance.now();
  if (!m.finished) throw new Error("the live manuscript did not finish");
  return { totalMs: t3 - t0, firstTenthMs: t1 - t0, lastTenthMs: t3 - t2 };
}

function timeIt(fn: () => unknown, runs: number, pick: (times: number[]) => number = median): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return pick(times);
}

/** The counts of each shape, doubled twice: the largest is about 13 MB. */
const SCALING_SIZES: Record<keyof typeof ADVERSARIAL_SHAPES, number[]> = {
  tinySteps: [50_000, 100_000, 200_000],
  nestedContent: [25_000, 50_000, 100_000],
  bigPlan: [25_000, 50_000, 100_000],
  longLines: [250_000, 500_000, 1_000_000],
  manyRevisions: [25_000, 50_000, 100_000],
};

/** What `draftline parse` does with a text (its output written to nothing), and what `draftline count` does. */
function parseCommand(text: string): number {
  const { manuscript, warnings } = parseTranscript(text);
  const locate = lineLocator(text);
  let length = 0;
  for (const w of warnings) length += `warning: ${locate(w.offset)}: ${describeWarning(w)}`.length;
  return length + JSON.stringify(manuscript, null, 2).length;
}

function countCommand(text: string): number {
  const { manuscript } = parseTranscript(text);
  return countWords(manuscript.steps.length > 0 ? manuscriptText(manuscript) : text);
}

/**
 * The best of five runs of `fn`, each after a full collection (the bench runs with --expose-gc): the
 * process's CPU time (user and system, GC threads included) and the wall time. On a shared machine the
 * wall time grows with the other processes' load (5 to 6 times at a load of 20 on 2 cores); the CPU
 * time hardly does, so the ratios are read from it.
 */
function bestOfFive(fn: () => unknown): { cpuMs: number; wallMs: number } {
  let cpuMs = Number.POSITIVE_INFINITY;
  let wallMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wallMs = Math.min(wallMs, performance.now() - t0);
    const used = process.cpuUsage(cpu);
    cpuMs = Math.min(cpuMs, (used.user + used.system) / 1000);
  }
  return { cpuMs, wallMs };
}

/** Per shape and size: each command's CPU and wall time, and the ratio of its CPU time to the size before's. */
function scaling(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, shape] of Object.entries(ADVERSARIAL_SHAPES) as [keyof typeof ADVERSARIAL_SHAPES, (n: number) => string][]) {
    const rows: Record<string, number>[] = [];
    let previous: { parse: number; count: number } | null = null;
    for (const n of SCALING_SIZES[name]) {
      const text = shape(n);
      const parse = bestOfFive(() => parseCommand(text));
      const count = bestOfFive(() => countCommand(text));
      rows.push({
        n,
        megabytes: Number((new TextEncoder().encode(text).length / 1e6).toFixed(2)),
        parseCpuMs: Number(parse.cpuMs.toFixed(0)),
        parseWallMs: Number(parse.wallMs.toFixed(0)),
        countCpuMs: Number(count.cpuMs.toFixed(0)),
        countWallMs: Number(count.wallMs.toFixed(0)),
        ...(previous ? { parseRatio: Number((parse.cpuMs / previous.parse).toFixed(2)), countRatio: Number((count.cpuMs / previous.count).toFixed(2)) } : {}),
      });
      previous = { parse: parse.cpuMs, count: count.cpuMs };
    }
    out[name] = rows;
  }
  return out;
}

export default async function run(): Promise<Record<string, unknown>> {
  const text = buildTranscript(TARGET_WORDS);
  const pieces = chunks(text, CHUNK);
  const bytes = new TextEncoder().encode(text).length;
  const tenth = Math.floor(pieces.length / 10);

  for (let i = 0; i < 3; i++) timeParse(pieces); // warm-up: let the JIT settle
  const runs = Array.from({ length: 9 }, () => timeParse(pieces));
  const totalMs = median(runs.map((r) => r.totalMs));
  const firstNs = (median(runs.map((r) => r.firstTenthMs)) * 1e6) / tenth;
  const lastNs = (median(runs.map((r) => r.lastTenthMs)) * 1e6) / tenth;

  const { manuscript } = parseTranscript(pieces);
  const content = manuscript.steps.map((s) => s.content).join("\n\n");
  const writerWords = countWriterWords(content);
  const reducerMs = timeIt(() => parseTranscript(pieces), 3);
  timeLive(pieces);
  const live = Array.from({ length: 3 }, () => timeLive(pieces));
  const liveFirstNs = (median(live.map((r) => r.firstTenthMs)) * 1e6) / tenth;
  const liveLastNs = (median(live.map((r) => r.lastTenthMs)) * 1e6) / tenth;
  const best = (times: number[]) => Math.min(...times);
  const writerCountMs = timeIt(() => countWriterWords(content), 21, best);
  const longbenchCountMs = timeIt(() => countLongBenchWords(content), 21, best);

  return {
    transcriptChars: text.length,
    transcriptBytes: bytes,
    contentWords: writerWords,
    chunkChars: CHUNK,
    chunks: pieces.length,
    events: runs[0]!.events,
    parseMs: Number(totalMs.toFixed(2)),
    parseMBps: Number((bytes / 1e6 / (totalMs / 1000)).toFixed(1)),
    nsPerChunkFirstTenth: Number(firstNs.toFixed(1)),
    nsPerChunkLastTenth: Number(lastNs.toFixed(1)),
    lastToFirstChunkCost: Number((lastNs / firstNs).toFixed(2)),
    parseWithReducerMs: Number(reducerMs.toFixed(1)),
    parseWithReducerMBps: Number((bytes / 1e6 / (reducerMs / 1000)).toFixed(1)),
    liveReducerMs: Number(median(live.map((r) => r.totalMs)).toFixed(1)),
    liveReducerNsPerChunkFirstTenth: Number(liveFirstNs.toFixed(0)),
    liveReducerNsPerChunkLastTenth: Number(liveLastNs.toFixed(0)),
    writerCountBestMs: Number(writerCountMs.toFixed(2)),
    longbenchCountBestMs: Number(longbenchCountMs.toFixed(2)),
    longbenchWords: countLongBenchWords(content),
    scaling: scaling(),
  };
}
