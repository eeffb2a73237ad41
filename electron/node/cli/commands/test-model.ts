import path from "node:path";
import { parseArgs } from "node:util";
import { formatBytes } from "../../engine/hardware";
import { TEST_MODEL_TAGS, writeTestModel } from "../../engine/testModel";
import { CliError, UsageError, type Command } from "../command";
import { describeFsError, writeLine } from "../io";

export const testModelCommand: Command = {
  name: "test-model",
  summary: "Write the tiny test model (a valid GGUF with random weights)",
  usage: [
    "Usage: draftline test-model OUT.gguf [--seed N]",
    "",
    "Writes a GGUF of about half a megabyte that llama.cpp loads: llama architecture, a byte-level BPE",
    "vocabulary with the IS-CoT tags and the ChatML tokens as single tokens, a ChatML chat template, and",
    "seeded random weights. It writes nonsense, fast: for tests and for trying the app without a download.",
    "",
    "  --seed N   seed of the random weights (default 1234; the same seed gives the same file)",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, options: { seed: { type: "string" } }, allowPositionals: true, strict: true });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "Say where to write the model: draftline test-model OUT.gguf" : "Give one output file.");
    const seed = values.seed === undefined ? undefined : Number(values.seed);
    if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)) throw new UsageError(`--seed must be a whole number from 0 to 4294967295, not '${values.seed}'.`);
    const out = path.resolve(io.cwd, positionals[0]!);
    if (!out.endsWith(".gguf")) throw new UsageError(`The output file should end in .gguf: ${positionals[0]}`);
    const started = performance.now();
    let size: number;
    try {
      size = await writeTestModel(out, seed === undefined ? {} : { seed });
    } catch (error) {
      throw new CliError(`Cannot write ${positionals[0]}: ${describeFsError(error)}`);
    }
    const ms = performance.now() - started;
    writeLine(io.stdout, `Wrote ${positionals[0]} (${formatBytes(size)}) in ${ms.toFixed(0)} ms: llama architecture, 2 layers, ${TEST_MODEL_TAGS.length} IS-CoT tags as single tokens, ChatML template.`);
    return 0;
  },
};
