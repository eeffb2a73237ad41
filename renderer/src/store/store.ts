// The renderer's one store, made of slices. Back-end events reach it through the event pump
// (eventPump.ts), outside React; components read it through selectors (selectors.ts).
import { create, type StateCreator } from "zustand";
import type { ApiClient } from "../../../electron/common/api/client";
import type { AppInfo } from "../../../electron/common/api";
import { createDocumentSlice, type DocumentSlice } from "./documentSlice";
import { createGenerationSlice, type GenerationSlice } from "./generationSlice";
import { createModelsSlice, type ModelsSlice } from "./modelsSlice";
import { createRewriteSlice, type RewriteSlice } from "./rewriteSlice";
import { createUiSlice, type UiSlice } from "./uiSlice";
import type { DocumentApi } from "../api/documents";

export interface ConnectionSlice {
  api: ApiClient | undefined;
  /** The projects part of the API, in the renderer's words (see api/documents.ts). */
  documents: DocumentApi | undefined;
  appInfo: AppInfo | undefined;
  connection: { state: "connecting" } | { state: "connected" } | { state: "failed"; message: string };
  /**
   * Applies the events the pump holds for the next frame now. An answer to a request arrives after
   * the events sent before it, so taking it in after this keeps an older event from overwriting it.
   */
  flushEvents(): void;
  setConnected(api: ApiClient, documents: DocumentApi, info: AppInfo): void;
  setConnectionFailed(message: string): void;
}

export type Store = ConnectionSlice & DocumentSlice & GenerationSlice & ModelsSlice & RewriteSlice & UiSlice;
export type StoreSlice<T> = StateCreator<Store, [], [], T>;

const createConnectionSlice: StoreSlice<ConnectionSlice> = (set) => ({
  api: undefined,
  documents: undefined,
  appInfo: undefined,
  connection: { state: "connecting" },
  flushEvents: () => undefined,
  setConnected: (api, documents, appInfo) => set({ api, documents, appInfo, connection: { state: "connected" } }),
  setConnectionFailed: (message) => set({ connection: { state: "failed", message } }),
});

const createStoreState: StateCreator<Store> = (...a) => ({
  ...createConnectionSlice(...a),
  ...createDocumentSlice(...a),
  ...createGenerationSlice(...a),
  ...createModelsSlice(...a),
  ...createRewriteSlice(...a),
  ...createUiSlice(...a),
});

/** A fresh store (tests make one each; the app uses `useStore`). */
export const createAppStore = () => create<Store>()(createStoreState);

export type AppStore = ReturnType<typeof createAppStore>;

export const useStore: AppStore = createAppStore();
