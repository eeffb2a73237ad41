import { parseArgs } from "node:util";
import { describeWarning } from "../../../common/iscot/events";
import { parseTranscript } from "../../../common/manuscript/reducer";
import { CliError, UsageError, type Command } from "../command";
import { readTextInput, writeLine } from "../io";

/**
 * Where UTF-16 offsets stand in a text, as "line L, column C": the line starts are found once, and each
 * offset is looked up by bisection, so a transcript with many warnings is not rescanned per warning.
 */
export function lineLocator(text: string): (offset: number) => string {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    // The last line that starts at or before the offset (a line end belongs to its line).
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return `line ${lo + 1}, column ${offset - starts[lo]! + 1}`;
  };
}

/** "line L, column C" of a UTF-16 offset in a text. */
export function lineAndColumn(text: string, offset: number): string {
  return lineLocator(text)(offset);
}

export const parseCommand: Command = {
  name: "parse",
  summary: "Read an IS-CoT transcript and print the manuscript as JSON",
  usage: [
    "Usage: draftline parse [FILE|-]",
    "",
    "Reads the text a model wrote with the IS-CoT protocol (<global_plan>, <step_plan>, <content>,",
    "<reflection>, <FINISHED>) from FILE, or from standard input when FILE is - or left out, and prints",
    "the manuscript it describes as JSON: the plan's sections with their budgets, and each step.",
    "What the parser had to repair (a missing closing tag, text outside the tags, ...) is reported on",
    "standard error, with its line and column.",
  ].join("\n"),
  async run(argv, io) {
    const { positionals } = parseArgs({ args: argv, options: {}, allowPositionals: true, strict: true });
    if (positionals.length > 1) throw new UsageError(`parse reads one file, not ${positionals.length}.`);
    const file = positionals[0];
    const text = await readTextInput(file, io);
    const { manuscript, warnings } = parseTranscript(text);
    if (manuscript.revisions.length === 0 && manuscript.planDraft === null && manuscript.steps.length === 0 && !manuscript.finished) {
      const label = file && file !== "-" ? file : "The standard input";
      throw new CliError(`${label} holds no IS-CoT blocks (<global_plan>, <step_plan>, <content>, <reflection>): it is not a transcript. To count its words, use draftline count.`);
    }
    const locate = lineLocator(text);
    for (const w of warnings) writeLine(io.stderr, `warning: ${locate(w.offset)}: ${describeWarning(w)}`);
    writeLine(io.stdout, JSON.stringify(manuscript, null, 2));
    return 0;
  },
};
