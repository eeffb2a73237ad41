import { defineHandlers, type ApiHandlers } from "../../common/api/server";
import type { ModelService } from "./service";

/** The models requests of the API. */
export function modelHandlers(service: ModelService): Partial<ApiHandlers> {
  return defineHandlers({
    "models.catalog": async () => service.catalog(),
    "models.local": async () => service.local(),
    "models.inspect": async ({ path, settings }) => service.inspect(path, settings),
    "models.hardware": async () => service.hardware(),
    "models.download": async ({ id }) => service.download(id),
    "models.cancelDownload": async ({ id }) => service.cancelDownload(id),
    "models.load": async ({ source, settings }) => service.load(source, settings),
    "models.setSampling": async ({ sampling }) => service.setSampling(sampling),
    "models.setProfile": async ({ profile }) => service.setProfile(profile),
    "models.unload": async () => service.unload(),
    "models.state": async () => service.getState(),
    "models.countTokens": async ({ text }) => service.countTokens(text),
  } satisfies Partial<ApiHandlers>);
}
