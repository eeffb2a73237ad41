// `draftline doctor --model M`: loads the model, writes a short document (600 words) with it in its
// profile (or --mode), and reports what that shows: whether it followed the tags, leaked thinking,
// read the plan and its budgets, kept to each step's budget, why each request stopped, its speed.
import path from "node:path";
import { parseArgs } from "node:util";
import { formatDoctorReport } from "../../../common/generation/doctorReport";
import { createModelService } from "../../app/models";
import { runDoctor } from "../../generation/doctor";
import { CliError, UsageError, type Command } from "../command";
import { writeLine } from "../io";
import { describeLoadedContext, describeSampling, draftSetting, engineSettings, loadForCommand, MODEL_OPTIONS, modelSource, parseMode, parseSampling } from "./write";

export const doctorCommand: Command = {
  name: "doctor",
  summary: "Check a model: a short session that says whether it will work, and why not",
  usage: [
    "Usage: draftline doctor (--model M | --server URL) [--mode MODE] [--json] [options]",
    "",
    "Writes a 600-word document with the model in its profile (or --mode) and reports: whether the",
    "model followed the tags, whether thinking leaked into the draft, whether its plan and budgets were",
    "read, how each step kept to its budget, why each request stopped, and tokens per second. How to",
    "read the report: README, \"Checking a model\". Exits with 1 when the session did not finish or the",
    "model did not keep to its mode's format.",
    "",
    "  --json            the report as JSON on standard output",
    "  --model M, --server URL, --api-key K, --mode MODE, --context N, --kv-cache T, --threads N,",
    "  --temperature T, --seed N and the other sampling options: as for write",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, options: { ...MODEL_OPTIONS, json: { type: "boolean" } }, allowPositionals: true, strict: true });
    if (positionals.length > 0) throw new UsageError(`'doctor' takes no instruction: it writes its own short document (${positionals.join(" ")}).`);
    const source = modelSource(values, io);
    const mode = parseMode(values.mode);
    const settings = { ...engineSettings(values), ...draftSetting(values, io) };
    const sampling = parseSampling(values);
    const models = createModelService({ env: io.env, emitState: () => {}, emitDownload: () => {} });
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    try {
      io.stderr.write(`Loading ${source.kind === "server" ? source.baseUrl : source.kind === "file" ? path.basename(source.path) : source.id}…\n`);
      const state = await loadForCommand(models, source, settings, sampling);
      io.stderr.write(`${state.model?.name} on ${state.device}, ${describeLoadedContext(state)}; ${describeSampling(state.sampling)}\n`);
      if (state.profileReason) io.stderr.write(`Profile: ${state.profile}; ${state.profileReason}\n`);
      const loaded = models.loaded();
      const used = mode ?? loaded.profile ?? "prompted";
      process.once("SIGINT", onSignal);
      const report = await runDoctor(
        { ...loaded, name: state.model?.name ?? "model" },
        { mode: used, signal: stop.signal, onRequest: (n) => io.stderr.write(`\rChecking in the ${used} mode: ${n} request${n === 1 ? "" : "s"}…`) },
      );
      io.stderr.write("\n");
      if (values.json) writeLine(io.stdout, JSON.stringify(report, null, 2));
      else for (const line of formatDoctorReport(report)) writeLine(io.stdout, line);
      return report.outcome.status === "finished" && report.tags.followed ? 0 : 1;
    } catch (error) {
      if (error instanceof CliError || error instanceof UsageError) throw error;
      throw new CliError(error instanceof Error ? error.message : String(error));
    } finally {
      process.off("SIGINT", onSignal);
      await models.shutdown().catch(() => undefined);
    }
  },
};
