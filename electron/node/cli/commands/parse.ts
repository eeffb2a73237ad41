import { parseArgs } from "node:util";
import { describeWarning, type ParserWarning } from "../../../common/iscot/events";
import { parseTranscript } from "../../../common/manuscript/reducer";
import { CliError, UsageError, type Command } from "../command";
import { readTextInput, writeLine } from "../io";

/** "line L, column C" of a UTF-16 offset in a text. */
export function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

function warningLine(text: string, w: ParserWarning): string {
  return `warning: ${lineAndColumn(text, w.offset)}: ${describeWarning(w)}`;
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
    for (const w of warnings) writeLine(io.stderr, warningLine(text, w));
    writeLine(io.stdout, JSON.stringify(manuscript, null, 2));
    return 0;
  },
};
