// The generation of the open document: where it stands (from generation.update events and the
// answers to the controls), and the controls themselves.
import type { GenerationState } from "../../../electron/common/api";
import type { StoreSlice } from "./store";

export interface GenerationSlice {
  generation: GenerationState | null;
  setGenerationState(state: GenerationState): void;
  /** Starts writing, or continues after step `fromStep - 1` (the steps from `fromStep` on are written again). */
  generate(options?: { fromStep?: number }): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  regenerateStep(stepIndex: number): Promise<void>;
  regenerateSection(sectionId: string): Promise<void>;
}

export const createGenerationSlice: StoreSlice<GenerationSlice> = (set, get) => {
  /** Sends one control request for the open document and takes the state it answers with. */
  const control = async (action: "controls.generate" | "controls.pause" | "controls.resume" | "controls.stop" | "controls.regenerateStep" | "controls.regenerateSection", send: (projectId: string) => Promise<GenerationState> | undefined) => {
    const projectId = get().document?.projectId;
    if (!projectId) return;
    try {
      const state = await send(projectId);
      get().flushEvents();
      if (state && get().document?.projectId === state.projectId) get().setGenerationState(state);
    } catch (error) {
      get().pushNotice({ kind: "error", key: "notice.requestFailed", action, values: { message: error instanceof Error ? error.message : String(error) } });
    }
  };
  return {
    generation: null,
    setGenerationState: (state) => {
      if (get().document?.projectId !== state.projectId) return;
      set({ generation: state });
    },
    generate: (options = {}) => control("controls.generate", (projectId) => get().api?.call("generation.start", { projectId, ...(options.fromStep === undefined ? {} : { fromStep: options.fromStep }) })),
    pause: () => control("controls.pause", (projectId) => get().api?.call("generation.pause", { projectId })),
    resume: () => control("controls.resume", (projectId) => get().api?.call("generation.resume", { projectId })),
    stop: () => control("controls.stop", (projectId) => get().api?.call("generation.stop", { projectId })),
    regenerateStep: (stepIndex) => control("controls.regenerateStep", (projectId) => get().api?.call("generation.regenerate", { projectId, stepIndex })),
    regenerateSection: (sectionId) => control("controls.regenerateSection", (projectId) => get().api?.call("generation.regenerate", { projectId, sectionId })),
  };
};
