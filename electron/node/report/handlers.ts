import { defineHandlers, type ApiHandlers } from "../../common/api/server";
import type { ReportService } from "./service";

/** The report requests of the API. */
export function reportHandlers(service: ReportService): Partial<ApiHandlers> {
  return defineHandlers({
    "report.settings": async () => service.getSettings(),
    "report.setSettings": async (params) => service.setSettings(params),
    "report.judge": async ({ projectId }) => service.judge(projectId),
  } satisfies Partial<ApiHandlers>);
}
