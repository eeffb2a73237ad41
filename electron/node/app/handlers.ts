import { defineHandlers, type ApiHandlers } from "../../common/api/server";
import type { RecentProjects } from "../projects/recent";

export interface BackendDeps {
  shell: "electron" | "web";
  version: string;
  recent: RecentProjects;
}

/** The back end's answers to the API, shared by the Electron main process and web mode. */
export function createHandlers(deps: BackendDeps): Partial<ApiHandlers> {
  return defineHandlers({
    "app.info": async () => ({ name: "Draftline", version: deps.version, shell: deps.shell, platform: process.platform }),
    "app.echo": async ({ text }) => ({ text, receivedAt: Date.now() }),
    "projects.list": async () => deps.recent.list(),
  } satisfies Partial<ApiHandlers>);
}
