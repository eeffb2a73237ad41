import { parseArgs } from "node:util";
import { manuscriptText } from "../../../common/manuscript/views";
import { parseTranscript } from "../../../common/manuscript/reducer";
import { lengthScore } from "../../../common/metrics/score";
import { countWords, type CountStyle } from "../../../common/metrics/words";
import { UsageError, type Command } from "../command";
import { readTextInput, writeLine } from "../io";

const STYLES: readonly CountStyle[] = ["writer", "longbench"];

function readTarget(value: string | undefined): number | null {
  if (value === undefined) return null;
  const target = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(target) || target <= 0) throw new UsageError(`--target must be a whole number of words above 0, not '${value}'.`);
  return target;
}

function readStyle(value: string | undefined): CountStyle {
  if (value === undefined) return "writer";
  const style = STYLES.find((s) => s === value);
  if (!style) throw new UsageError(`--style must be writer or longbench, not '${value}'.`);
  return style;
}

export const countCommand: Command = {
  name: "count",
  summary: "Count a text's words and score its length against a target",
  usage: [
    "Usage: draftline count [FILE|-] [--target N] [--style writer|longbench]",
    "",
    "Counts the words of FILE, or of standard input when FILE is - or left out. For an IS-CoT",
    "transcript, only the document is counted (the content of its steps, not the plans and reflections).",
    "",
    "  --style writer      as a word processor counts: a Chinese character counts one (the default)",
    "  --style longbench   as the LongBench-Write evaluation counts: Chinese characters plus English",
    "                      words made of ASCII letters only",
    "  --target N          also print the LongBench-Write length score against N words (0 to 100)",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { target: { type: "string" }, style: { type: "string" } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > 1) throw new UsageError(`count reads one file, not ${positionals.length}.`);
    const target = readTarget(values.target);
    const style = readStyle(values.style);
    const text = await readTextInput(positionals[0], io);
    const { manuscript } = parseTranscript(text);
    const isTranscript = manuscript.steps.length > 0;
    const words = countWords(isTranscript ? manuscriptText(manuscript) : text, style);
    if (isTranscript) writeLine(io.stderr, `draftline count: an IS-CoT transcript: counting the content of its ${manuscript.steps.length} step${manuscript.steps.length === 1 ? "" : "s"}.`);
    writeLine(io.stdout, `words: ${words}`);
    writeLine(io.stdout, `style: ${style}`);
    if (target !== null) {
      writeLine(io.stdout, `target: ${target}`);
      writeLine(io.stdout, `length score: ${Number(lengthScore(target, words).toFixed(2))}`);
    }
    return 0;
  },
};
