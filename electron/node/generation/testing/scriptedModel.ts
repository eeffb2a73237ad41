// The scripted model DRAFTLINE_ENGINE=scripted loads (app/models.ts gives it to the model service): no
// inference, a deterministic IS-Writer writing a four-section plan and its steps at a set speed, for
// trying the UI, its benchmarks and the end-to-end tests.
import { fakeWriter } from "../../../common/testing/fakeWriter";
import { ScriptedBackend } from "../../engine/testing/scriptedBackend";
import type { ScriptedModel } from "../../models/service";

export const scriptedModel: ScriptedModel = ({ tokensPerSecond }) =>
  new ScriptedBackend(fakeWriter({ sections: [["Opening", 400], ["Development", 600], ["Turn", 600], ["Ending", 400]] }), { tokensPerSecond });
