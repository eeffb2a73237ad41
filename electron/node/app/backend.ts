import { readFileSync } from "node:fs";
import path from "node:path";
import type { WireEvent } from "../../common/api";
import { ApiError } from "../../common/api/define";
import type { ApiHandlers, CallContext } from "../../common/api/server";
import type { EngineProcessLauncher } from "../engine/launcher";
import { runDoctor } from "../generation/doctor";
import { generationHandlers } from "../generation/handlers";
import { GenerationService } from "../generation/service";
import { modelHandlers } from "../models/handlers";
import { createModelService } from "./models";
import { createProjectHandlers } from "../projects/handlers";
import { RecentProjects } from "../projects/recent";
import { reportHandlers } from "../report/handlers";
import { ReportService } from "../report/service";
import { ProjectsService } from "../projects/service";
import { ServiceContainer } from "../base/container";
import { createHandlers } from "./handlers";
import type { Logger } from "./log";
import { appDataDir, documentsDir, packageRoot } from "../base/paths";

export interface BackendOptions {
  shell: "electron" | "web";
  /** Pushes an event to the UI (the IPC or WebSocket transport provides it). */
  emit: (event: WireEvent) => void;
  env?: Record<string, string | undefined>;
  /** The app's log (model loads, generations, saves; never document text). Default: none. */
  log?: Logger;
  /**
   * How the embedded engine process is started: Electron's utilityProcess in the desktop app
   * (electron/main/engineLauncher.ts); default: a Node child process (engine/launcher.ts forkLauncher).
   */
  engineLauncher?: EngineProcessLauncher;
}

export interface Backend {
  handlers: Partial<ApiHandlers>;
  container: ServiceContainer;
  dataDir: string;
}

export function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** Wires every service of the back end once, for both shells. */
export async function createBackend(options: BackendOptions): Promise<Backend> {
  const dataDir = appDataDir(options.env);
  const recent = new RecentProjects(dataDir);
  const projects = new ProjectsService({ dataDir, documentsDir: documentsDir(options.env), recent, appVersion: appVersion(), emit: ({ name, payload }) => options.emit({ kind: "event", name, payload }) });
  const log = (event: string, fields: Record<string, unknown>) => options.log?.info(event, fields as Parameters<Logger["info"]>[1]);
  const models = createModelService({
    ...(options.env ? { env: options.env } : {}),
    ...(options.engineLauncher ? { launcher: options.engineLauncher } : {}),
    emitState: (payload) => options.emit({ kind: "event", name: "engine.state", payload }),
    emitDownload: (payload) => options.emit({ kind: "event", name: "models.download", payload }),
    log,
  });
  const generation = new GenerationService({
    store: projects,
    model: () => models.loaded(),
    emit: (payload) => options.emit({ kind: "event", name: "generation.update", payload }),
    emitRewrite: (payload) => options.emit({ kind: "event", name: "generation.rewrite", payload }),
    log,
  });
  // The report's settings (stock phrases, judge) and its judge requests.
  const report = new ReportService({ dataDir, manuscript: (id) => projects.getManuscript(id), model: () => models.loaded(), busy: () => generation.busy, log });
  // Shut down in reverse: generation stops writing first, then projects save, then the model is freed.
  const container = new ServiceContainer([models, projects, generation, report]);
  await container.boot();
  const projectHandlers: Partial<ApiHandlers> = createProjectHandlers(projects);
  const modelApi: Partial<ApiHandlers> = modelHandlers(models);
  // While "Check this model" writes its short document, nothing else uses the model, and it stays loaded.
  let checking = false;
  const CHECKING = "The model is being checked (Check this model): wait for the check to end.";
  // The model a document is being written with stays until the writer stops (or it finishes).
  const whileIdle = <P, R>(handler: ((params: P, context: CallContext) => Promise<R>) | undefined) =>
    handler &&
    (async (params: P, context: CallContext) => {
      if (generation.busy) throw new ApiError("failed", "A document is being written with this model: stop it (or let it finish) before changing the model.");
      if (checking) throw new ApiError("failed", CHECKING);
      return handler(params, context);
    });
  const notWhileChecking = <P, R>(handler: ((params: P, context: CallContext) => Promise<R>) | undefined) =>
    handler &&
    (async (params: P, context: CallContext) => {
      if (checking) throw new ApiError("failed", CHECKING);
      return handler(params, context);
    });
  modelApi["models.load"] = whileIdle(modelApi["models.load"]);
  modelApi["models.unload"] = whileIdle(modelApi["models.unload"]);
  modelApi["models.doctor"] = whileIdle(async () => {
    const model = models.loaded();
    checking = true;
    try {
      return await runDoctor({ ...model, name: models.getState().model?.name ?? "model" }, { mode: model.profile ?? "prompted" });
    } finally {
      checking = false;
    }
  });
  const generationApi: Partial<ApiHandlers> = generationHandlers(generation);
  generationApi["generation.start"] = notWhileChecking(generationApi["generation.start"]);
  generationApi["generation.regenerate"] = notWhileChecking(generationApi["generation.regenerate"]);
  generationApi["generation.rewrite"] = notWhileChecking(generationApi["generation.rewrite"]);
  const reportApi: Partial<ApiHandlers> = reportHandlers(report);
  reportApi["report.judge"] = notWhileChecking(reportApi["report.judge"]);
  const handlers: Partial<ApiHandlers> = {
    ...createHandlers({ shell: options.shell, version: appVersion(), recent }),
    ...projectHandlers,
    ...modelApi,
    ...generationApi,
    ...reportApi,
  };
  return { handlers, container, dataDir };
}
