// The model service as the app and the commands wire it: DRAFTLINE_ENGINE=scripted loads the scripted
// model, injected here rather than known to the service.
import { scriptedModel } from "../generation/testing/scriptedModel";
import { ModelService, type ModelServiceOptions } from "../models/service";

export function createModelService(options: ModelServiceOptions): ModelService {
  return new ModelService({ scripted: scriptedModel, ...options });
}
