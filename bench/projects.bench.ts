// Projects and export on a 100,000-word manuscript: saving the project (the whole atomic save the app
// does: encode, write a temporary file, fsync, keep the backup, rename, fsync the folder), compact vs
// indented JSON, the autosave journal, opening (read and validate); and the DOCX export side by side
// with pandoc converting the same Markdown to DOCX on this machine in the same run.
// Run by `npm run bench projects` (writes bench/results/projects.json).
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseTranscript } from "../electron/common/manuscript/reducer";
import type { Manuscript } from "../electron/common/manuscript/types";
import { encodeProjectFile } from "../electron/common/project/file";
import { exportManuscript, toExportDocument } from "../electron/node/export/exportManuscript";
import { buildMarkdown } from "../electron/node/export/markdown/build";
import { newProjectFile } from "../electron/node/projects/projectFile";
import { RecentProjects } from "../electron/node/projects/recent";
import { ProjectsService } from "../electron/node/projects/service";

const TARGET_WORDS = 100_000;
const SECTIONS = 25;
const SAVE_RUNS = 30;
const EXPORT_RUNS = 5;

const VOCABULARY = (
  "keeper lighthouse storm harbour lantern rocks tide village gull beacon shipwreck rope salt winter spiral stair " +
  "glass oil wick horizon fog signal bell widow letter captain island current reef dawn dusk night ledger " +
  "the a of and in to with from by for as that which while although because however it's never always slowly"
).split(" ");

function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

function sentence(next: () => number): string {
  const length = 8 + Math.floor(next() * 14);
  const words = Array.from({ length }, () => VOCABULARY[Math.floor(next() * VOCABULARY.length)] as string);
  if (next() < 0.2) words[1] = `**${words[1]}**`;
  if (next() < 0.2) words[length - 2] = `*${words[length - 2]}*`;
  const text = words.join(" ");
  return `${text[0]?.toUpperCase()}${text.slice(1)}.`;
}

/** About 500 words of Markdown as a model writes it: paragraphs, now and then a heading, a list or a quote. */
function segment(next: () => number, n: number): string {
  const blocks: string[] = [];
  if (n % 4 === 0) blocks.push(`## Scene ${n + 1}`);
  let words = 0;
  while (words < 500) {
    const roll = next();
    if (roll < 0.06) {
      blocks.push(Array.from({ length: 4 }, (_, i) => `${i + 1}. ${sentence(next)}`).join("\n"));
    } else if (roll < 0.12) {
      blocks.push(Array.from({ length: 3 }, () => `- ${sentence(next)}`).join("\n"));
    } else if (roll < 0.16) {
      blocks.push(`> ${sentence(next)} ${sentence(next)}`);
    } else {
      blocks.push(Array.from({ length: 4 }, () => sentence(next)).join(" "));
    }
    words = blocks.join(" ").split(/\s+/).length;
  }
  return blocks.join("\n\n");
}

function bigManuscript(): Manuscript {
  const next = random(7);
  const perSection = TARGET_WORDS / SECTIONS;
  const plan = Array.from({ length: SECTIONS }, (_, i) => `## Chapter ${i + 1}\nWord count: ${perSection}\nWhat happens in chapter ${i + 1}.`).join("\n\n");
  const parts = [`<global_plan>\n${plan}\n</global_plan>`];
  for (let step = 0; step < TARGET_WORDS / 500; step++) {
    const chapter = Math.floor((step * 500) / perSection) + 1;
    parts.push(`<step_plan>Write Chapter ${chapter}, part ${step + 1}. (500 words)</step_plan>\n<content>${segment(next, step)}</content>\n<reflection>word count: ${(step + 1) * 500}/${TARGET_WORDS}</reflection>`);
  }
  parts.push("<FINISHED>");
  return parseTranscript(parts.join("\n"), { instruction: "A long novel about a lighthouse keeper.", language: "en", targetWords: TARGET_WORDS }).manuscript;
}

function summary(samples: number[]): { medianMs: number; p90Ms: number; minMs: number; runs: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  const round = (x: number) => Math.round(x * 100) / 100;
  return { medianMs: round(at(0.5)), p90Ms: round(at(0.9)), minMs: round(sorted[0] as number), runs: samples.length };
}

async function timeRuns(runs: number, work: (i: number) => Promise<unknown> | unknown): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work(i);
    samples.push(performance.now() - start);
  }
  return samples;
}

export default async function run(): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "draftline-bench-projects-"));
  try {
    const manuscript = bigManuscript();
    const words = manuscript.steps.reduce((sum, s) => sum + s.words, 0);

    // Saving through the service, as the app does (the version changes between saves).
    const service = new ProjectsService({ dataDir: path.join(dir, "data"), recent: new RecentProjects(path.join(dir, "data")), appVersion: "bench", autosave: { debounceMs: 3_600_000, maxWaitMs: 3_600_000 } });
    const projectPath = path.join(dir, "novel.draftline");
    const created = await service.create({ instruction: manuscript.instruction, targetWords: TARGET_WORDS, path: projectPath });
    service.update(created.projectId, () => manuscript, { source: "model" });
    await service.save(created.projectId);
    const saveSamples = await timeRuns(SAVE_RUNS, async (i) => {
      service.update(created.projectId, (m) => ({ ...m, targetWords: TARGET_WORDS + i + 1 }), { source: "writer" });
      await service.save(created.projectId);
    });
    const autosaveSamples = await timeRuns(SAVE_RUNS, async (i) => {
      service.update(created.projectId, (m) => ({ ...m, targetWords: TARGET_WORDS + 1000 + i }), { source: "model" });
      await service.autosaveNow(created.projectId);
    });
    await service.save(created.projectId);
    await service.close(created.projectId);
    const fileBytes = (await stat(projectPath)).size;

    // Opening: read, JSON.parse and validate every field.
    const openSamples = await timeRuns(10, async () => {
      const s = new ProjectsService({ dataDir: path.join(dir, "data"), recent: new RecentProjects(path.join(dir, "data")), appVersion: "bench" });
      const opened = await s.open(projectPath);
      await s.close(opened.project.projectId);
    });

    // Compact vs indented JSON: encoding time and size (the app writes compact).
    const file = newProjectFile({ title: "Novel", manuscript, generation: { model: null, mode: null }, appVersion: "bench" });
    const compact = encodeProjectFile(file);
    const pretty = JSON.stringify(JSON.parse(compact), null, 2);
    const encodeCompact = await timeRuns(20, () => encodeProjectFile(file));
    const encodePretty = await timeRuns(20, () => JSON.stringify(file, null, 2));
    const writePretty = await timeRuns(10, async () => {
      await writeFile(path.join(dir, "pretty.draftline"), JSON.stringify(file, null, 2));
    });
    const writeCompact = await timeRuns(10, async () => {
      await writeFile(path.join(dir, "compact.draftline"), encodeProjectFile(file));
    });

    // Exports. pandoc gets the Markdown our exporter writes, so both make a .docx of the same text.
    const markdownPath = path.join(dir, "novel.md");
    const markdownSamples = await timeRuns(EXPORT_RUNS, () => exportManuscript(manuscript, { path: markdownPath, title: "Novel" }));
    const docxPath = path.join(dir, "novel.docx");
    const docxSamples = await timeRuns(EXPORT_RUNS, () => exportManuscript(manuscript, { path: docxPath, title: "Novel" }));
    const docxBytes = (await stat(docxPath)).size;
    const markdownText = buildMarkdown(toExportDocument(manuscript, { title: "Novel" }));
    await writeFile(markdownPath, markdownText);

    const pandocVersion = spawnSync("pandoc", ["--version"], { encoding: "utf8" });
    let pandoc: Record<string, unknown> = { available: false, reason: "pandoc is not installed (Debian: apt-get install pandoc)" };
    let docxVsPandoc: number | null = null;
    if (pandocVersion.status === 0) {
      const pandocOut = path.join(dir, "pandoc.docx");
      const samples = await timeRuns(EXPORT_RUNS, () => {
        const r = spawnSync("pandoc", ["-f", "markdown", "-t", "docx", "-o", pandocOut, markdownPath]);
        if (r.status !== 0) throw new Error(`pandoc failed: ${r.stderr}`);
      });
      const empty = path.join(dir, "empty.md");
      await writeFile(empty, "# x\n");
      const startup = await timeRuns(3, () => spawnSync("pandoc", ["-f", "markdown", "-t", "docx", "-o", path.join(dir, "empty.docx"), empty]));
      pandoc = { available: true, version: pandocVersion.stdout.split("\n")[0], docx: summary(samples), startupOnTinyFile: summary(startup), bytes: (await stat(pandocOut)).size };
      docxVsPandoc = Math.round((summary(docxSamples).medianMs / summary(samples).medianMs) * 100) / 100;
    }

    const saveMedian = summary(saveSamples).medianMs;
    return {
      document: { words, steps: manuscript.steps.length, sections: manuscript.sections.length, projectFileBytes: fileBytes, markdownBytes: Buffer.byteLength(markdownText) },
      save: { ...summary(saveSamples), targetMs: 100, meetsTarget: saveMedian < 100 },
      autosave: summary(autosaveSamples),
      open: summary(openSamples),
      json: {
        compactBytes: Buffer.byteLength(compact),
        prettyBytes: Buffer.byteLength(pretty),
        encodeCompact: summary(encodeCompact),
        encodePretty: summary(encodePretty),
        writeCompact: summary(writeCompact),
        writePretty: summary(writePretty),
      },
      export: {
        markdown: summary(markdownSamples),
        docx: { ...summary(docxSamples), bytes: docxBytes },
        pandoc,
        /** Our DOCX export's median time over pandoc's; at most 1 means ours is no slower. */
        docxOverPandoc: docxVsPandoc,
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
