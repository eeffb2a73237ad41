// The back end of the manuscript report: keeps the writer's stock phrases and judge, and asks the
// judge to score a document on LongBench-Write's six dimensions. The figures themselves are computed
// in electron/common/report, by the window and by `draftline report`.
import { ApiError } from "../../common/api/define";
import type { JudgeReport, ReportSettings } from "../../common/api/report";
import type { Manuscript } from "../../common/manuscript/types";
import { qualityScore } from "../../common/metrics/quality";
import { documentText } from "../../common/report/document";
import { normalizeStockPhrases } from "../../common/report/report";
import type { Service } from "../base/container";
import { HttpJudge, LocalJudge, type Judge, type JudgeOutcome } from "../eval/judge";
import type { LoadedModel } from "../models/service";
import { defaultReportSettings, readReportSettings, writeReportSettings, type StoredReportSettings } from "./settings";

export interface ReportServiceOptions {
  dataDir: string;
  manuscript(projectId: string): Manuscript;
  /** The loaded model, for a local judge. */
  model(): LoadedModel;
  /** True while a document is being written: the loaded model is busy then. */
  busy(): boolean;
  /** Tests: the fetch a server judge uses, and its retry delay. */
  fetch?: typeof fetch;
  retryDelayMs?: number;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

export type JudgeChange = { kind: "server"; url: string; model?: string | null | undefined; apiKey?: string | null | undefined } | { kind: "local" } | null;

/** A judge's outcome on one document, as the report shows it. */
export function judgeReport(judge: Judge, outcome: JudgeOutcome): JudgeReport {
  const q = outcome.scores ? qualityScore([outcome.scores]) : null;
  return {
    judge: judge.description,
    note: judge.note,
    scores: outcome.scores,
    dimensions: q ? q.dimensions : null,
    score: q ? q.score : null,
    analysis: outcome.analysis,
    attempts: outcome.attempts,
    malformed: outcome.malformed,
    error: outcome.error,
  };
}

export class ReportService implements Service {
  readonly name = "report";
  private settings: StoredReportSettings = defaultReportSettings();
  /** The judge's API key: for this session only, never written to disk. */
  private apiKey: string | null = null;
  private readonly running = new Map<string, Promise<JudgeReport>>();
  private readonly stop = new AbortController();

  constructor(private readonly options: ReportServiceOptions) {}

  async boot(): Promise<void> {
    const { settings, problem } = await readReportSettings(this.options.dataDir);
    this.settings = settings;
    if (problem) this.options.log?.("report.settings-unreadable", { problem });
  }

  async shutdown(): Promise<void> {
    this.stop.abort();
    await Promise.allSettled(this.running.values());
  }

  getSettings(): ReportSettings {
    const j = this.settings.judge;
    return {
      stockPhrases: [...this.settings.stockPhrases],
      judge: j === null ? null : j.kind === "local" ? { kind: "local" } : { kind: "server", url: j.url, model: j.model, hasApiKey: this.apiKey !== null },
    };
  }

  async setSettings(change: { stockPhrases?: readonly string[] | undefined; judge?: JudgeChange | undefined }): Promise<ReportSettings> {
    const next: StoredReportSettings = { ...this.settings };
    let apiKey = this.apiKey;
    if (change.stockPhrases !== undefined) {
      try {
        next.stockPhrases = normalizeStockPhrases(change.stockPhrases);
      } catch (error) {
        throw new ApiError("bad-params", error instanceof Error ? error.message : String(error));
      }
    }
    if (change.judge !== undefined) {
      const j = change.judge;
      if (j === null || j.kind === "local") {
        next.judge = j;
        apiKey = null;
      } else {
        const url = j.url.trim();
        if (!/^https?:\/\//i.test(url)) throw new ApiError("bad-params", `The judge's address must start with http:// or https://, not '${url}'.`);
        next.judge = { kind: "server", url, model: j.model?.trim() || null };
        if (j.apiKey !== undefined) apiKey = j.apiKey === null || j.apiKey === "" ? null : j.apiKey;
      }
    }
    try {
      await writeReportSettings(this.options.dataDir, next);
    } catch (error) {
      throw new ApiError("failed", `The report settings could not be saved: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.settings = next;
    this.apiKey = apiKey;
    return this.getSettings();
  }

  private createJudge(): Judge {
    const j = this.settings.judge;
    if (j === null) throw new ApiError("failed", "No judge is set: give the report a judge server (or the loaded model) first.");
    if (j.kind === "local") {
      if (this.options.busy()) throw new ApiError("failed", "The model is writing a document: judge with it when it is done (or stop it).");
      return new LocalJudge(() => this.options.model(), this.options.retryDelayMs !== undefined ? { retryDelayMs: this.options.retryDelayMs } : {});
    }
    return new HttpJudge({
      baseUrl: j.url,
      ...(j.model ? { model: j.model } : {}),
      ...(this.apiKey ? { apiKey: this.apiKey } : {}),
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      ...(this.options.retryDelayMs !== undefined ? { retryDelayMs: this.options.retryDelayMs } : {}),
    });
  }

  /** Scores the document with the judge; a second request for a document being judged waits for the first. */
  judge(projectId: string): Promise<JudgeReport> {
    const running = this.running.get(projectId);
    if (running) return running;
    const m = this.options.manuscript(projectId);
    const text = documentText(m);
    if (text.trim() === "") throw new ApiError("failed", "The document has no text yet: there is nothing to judge.");
    const judge = this.createJudge();
    const started = Date.now();
    const work = judge.judge(m.instruction, text, this.stop.signal).then((outcome) => {
      this.options.log?.("report.judge", { judge: judge.description, attempts: outcome.attempts, malformed: outcome.malformed, ok: outcome.scores !== null, ms: Date.now() - started });
      return judgeReport(judge, outcome);
    });
    this.running.set(projectId, work);
    void work.finally(() => this.running.delete(projectId)).catch(() => undefined);
    return work;
  }
}
