import { readFileSync } from "node:fs";
import path from "node:path";
import type { WireEvent } from "../../common/api";
import type { ApiHandlers } from "../../common/api/server";
import type { EngineProcessLauncher } from "../engine/launcher";
import { createProjectHandlers } from "../projects/handlers";
import { RecentProjects } from "../projects/recent";
import { ProjectsService } from "../projects/service";
import { ServiceContainer } from "./container";
import { createHandlers } from "./handlers";
import type { Logger } from "./log";
import { appDataDir, packageRoot } from "./paths";

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
  const projects = new ProjectsService({ dataDir, recent, appVersion: appVersion(), emit: ({ name, payload }) => options.emit({ kind: "event", name, payload }) });
  const container = new ServiceContainer([projects]);
  await container.boot();
  const handlers = { ...createHandlers({ shell: options.shell, version: appVersion(), recent }), ...createProjectHandlers(projects) };
  return { handlers, container, dataDir };
}
