// The mode that drives a model, with the grammars the tiny test model needs to keep its format.
import type { GenerationMode } from "../../common/api/generation";
import type { PromptFormat } from "../../common/engine/catalog";
import { onePassGrammars, protocolGrammars } from "../../common/generation/grammars";
import { AgentWriteMode } from "./agentwrite";
import { IsCotMode } from "./iscot";
import type { WritingMode } from "./mode";
import { directMode } from "./onePass";
import { OrchestratedMode } from "./orchestrated";
import { thinkAnswerMode } from "./thinkAnswer";

/** What a mode needs to know of the loaded model. */
export interface ModeModel {
  /** Hold the model to the protocol with grammars (the tiny test model, weak models). */
  useProtocolGrammars: boolean;
  /** The prompt format the catalog gives for the model; left out: its chat template. */
  promptFormat?: PromptFormat;
}

export function createMode(mode: GenerationMode, model: ModeModel, language: "en" | "zh"): WritingMode {
  const format = model.promptFormat ? { promptFormat: model.promptFormat } : {};
  switch (mode) {
    case "native":
    case "prompted":
      return new IsCotMode(mode, model.useProtocolGrammars ? protocolGrammars(language) : {});
    case "orchestrated":
      return new OrchestratedMode({ ...format, useGrammars: model.useProtocolGrammars });
    case "agentwrite":
      return new AgentWriteMode({ ...format, useGrammars: model.useProtocolGrammars });
    case "direct":
      return directMode({ ...format, ...(model.useProtocolGrammars ? { grammars: onePassGrammars(language, "direct") } : {}) });
    case "think-answer":
      return thinkAnswerMode({ ...format, ...(model.useProtocolGrammars ? { grammars: onePassGrammars(language, "think-answer") } : {}) });
    default:
      return mode satisfies never;
  }
}
