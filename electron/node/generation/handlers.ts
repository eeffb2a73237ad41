import { defineHandlers, type ApiHandlers } from "../../common/api/server";
import type { GenerationService } from "./service";

/** The generation requests of the API. */
export function generationHandlers(service: GenerationService): Partial<ApiHandlers> {
  return defineHandlers({
    "generation.start": async ({ projectId, mode, fromStep }) => service.start(projectId, { ...(mode ? { mode } : {}), ...(fromStep !== undefined ? { fromStep } : {}) }),
    "generation.pause": async ({ projectId }) => service.pause(projectId),
    "generation.resume": async ({ projectId }) => service.resume(projectId),
    "generation.stop": async ({ projectId }) => service.stop(projectId),
    "generation.regenerate": async (params) => service.regenerate(params.projectId, "stepIndex" in params ? { stepIndex: params.stepIndex } : { sectionId: params.sectionId }),
    "generation.state": async ({ projectId }) => service.state(projectId),
    "generation.rewrite": async (request) => service.rewrites.start(request),
    "generation.stopRewrite": async ({ projectId }) => service.rewrites.stop(projectId),
  } satisfies Partial<ApiHandlers>);
}
