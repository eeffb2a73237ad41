// Back-end events into the store, outside React. Events are held until the next animation frame and
// folded there: however many generation updates arrive in a frame, the store changes once per frame
// (and React renders at most once).
import type { ApiClient, Unsubscribe } from "../../../electron/common/api/client";
import { events as eventSchemas, type EventName, type EventPayload, type GenerationUpdate, type UiCommand, type WireEvent } from "../../../electron/common/api";
import { mergeGenerationUpdates } from "./generationUpdates";
import type { AppStore } from "./store";

/** Runs a callback before the next frame (requestAnimationFrame in the window; injectable for tests). */
export type FrameScheduler = (callback: () => void) => void;

export interface EventPumpOptions {
  schedule?: FrameScheduler;
  /** A menu command from the desktop shell. */
  onCommand?: (command: UiCommand) => void;
}

/** What one frame's events fold into. */
export interface FrameBatch {
  /** Per project, the updates of the frame merged into one. */
  updates: Map<string, GenerationUpdate>;
  engine: EventPayload<"engine.state"> | null;
  /** Per download, the latest state. */
  downloads: Map<string, EventPayload<"models.download">>;
  /** Commands, in order: each one counts. */
  commands: UiCommand[];
  /** Per project, whether it has unsaved changes (and where it was saved), latest first. */
  documentStatus: Map<string, { modified: boolean; path?: string | null }>;
  /** Saves that failed, each told to the writer. */
  saveFailures: EventPayload<"project.saveFailed">[];
  /** Per project, the rewrite's latest state (each event carries all its text so far). */
  rewrites: Map<string, EventPayload<"generation.rewrite">>;
}

export const emptyBatch = (): FrameBatch => ({ updates: new Map(), engine: null, downloads: new Map(), commands: [], documentStatus: new Map(), saveFailures: [], rewrites: new Map() });

function isEvent<E extends EventName>(event: WireEvent, name: E): event is WireEvent & { name: E; payload: EventPayload<E> } {
  return event.name === name;
}

/** Adds one event to a frame's batch. Events the contract does not know are dropped. */
export function foldEvent(batch: FrameBatch, event: WireEvent): void {
  if (!Object.prototype.hasOwnProperty.call(eventSchemas, event.name)) return;
  if (isEvent(event, "generation.update")) {
    const u = event.payload;
    const earlier = batch.updates.get(u.projectId);
    batch.updates.set(u.projectId, earlier ? mergeGenerationUpdates(earlier, u) : u);
  } else if (isEvent(event, "generation.rewrite")) {
    batch.rewrites.set(event.payload.projectId, event.payload);
  } else if (isEvent(event, "engine.state")) {
    batch.engine = event.payload;
  } else if (isEvent(event, "models.download")) {
    batch.downloads.set(event.payload.id, event.payload);
  } else if (isEvent(event, "ui.command")) {
    batch.commands.push(event.payload.command);
  } else if (isEvent(event, "project.changed")) {
    batch.documentStatus.set(event.payload.projectId, { ...batch.documentStatus.get(event.payload.projectId), modified: event.payload.modified });
  } else if (isEvent(event, "project.saved")) {
    // An autosave writes the recovery journal, not the project file: it changes nothing the writer sees.
    if (event.payload.kind === "save") batch.documentStatus.set(event.payload.projectId, { modified: event.payload.modified, path: event.payload.path });
  } else if (isEvent(event, "project.saveFailed")) {
    batch.saveFailures.push(event.payload);
  }
}

/** Hands a frame's batch to the store, one action per kind of event. */
export function applyBatch(store: AppStore, batch: FrameBatch, onCommand?: (command: UiCommand) => void): void {
  const s = store.getState();
  for (const update of batch.updates.values()) s.receiveGenerationUpdate(update);
  for (const rewrite of batch.rewrites.values()) s.receiveRewrite(rewrite);
  if (batch.engine) s.setEngineState(batch.engine);
  for (const download of batch.downloads.values()) s.setDownload(download);
  for (const [projectId, status] of batch.documentStatus) s.setDocumentStatus(projectId, status);
  for (const failure of batch.saveFailures) {
    if (failure.projectId === s.document?.projectId) s.pushNotice({ kind: "error", key: "notice.requestFailed", action: "menu.save", values: { message: failure.message } });
  }
  for (const command of batch.commands) onCommand?.(command);
}

const isEmpty = (b: FrameBatch) => b.updates.size === 0 && b.engine === null && b.downloads.size === 0 && b.commands.length === 0 && b.documentStatus.size === 0 && b.saveFailures.length === 0 && b.rewrites.size === 0;

const animationFrame: FrameScheduler = (callback) => {
  if (typeof requestAnimationFrame === "function" && typeof document !== "undefined" && document.visibilityState === "visible") requestAnimationFrame(callback);
  // A hidden window gets no frames: still take the events in, at a gentler pace.
  else setTimeout(callback, 100);
};

/** Subscribes to every event of `api` and feeds the store once per frame. Returns the unsubscribe. */
export function startEventPump(api: ApiClient, store: AppStore, options: EventPumpOptions = {}): Unsubscribe {
  const schedule = options.schedule ?? animationFrame;
  let batch = emptyBatch();
  let scheduled = false;
  let stopped = false;
  const flush = () => {
    scheduled = false;
    if (stopped) return;
    if (isEmpty(batch)) return;
    const current = batch;
    batch = emptyBatch();
    applyBatch(store, current, options.onCommand);
  };
  store.setState({ flushEvents: flush });
  const unsubscribe = api.onAny((event) => {
    foldEvent(batch, event);
    if (!scheduled) {
      scheduled = true;
      schedule(flush);
    }
  });
  return () => {
    stopped = true;
    unsubscribe();
    if (store.getState().flushEvents === flush) store.setState({ flushEvents: () => undefined });
  };
}
