import { create, type StateCreator } from "zustand";
import type { ApiClient } from "../../../electron/common/api/client";
import type { AppInfo, ProjectSummary } from "../../../electron/common/api";

export interface ConnectionSlice {
  api: ApiClient | undefined;
  appInfo: AppInfo | undefined;
  connection: { state: "connecting" } | { state: "connected" } | { state: "failed"; message: string };
  setConnected(api: ApiClient, info: AppInfo): void;
  setConnectionFailed(message: string): void;
}

export interface ProjectsSlice {
  recent: ProjectSummary[];
  setRecent(recent: ProjectSummary[]): void;
}

export type Store = ConnectionSlice & ProjectsSlice;

const createConnectionSlice: StateCreator<Store, [], [], ConnectionSlice> = (set) => ({
  api: undefined,
  appInfo: undefined,
  connection: { state: "connecting" },
  setConnected: (api, appInfo) => set({ api, appInfo, connection: { state: "connected" } }),
  setConnectionFailed: (message) => set({ connection: { state: "failed", message } }),
});

const createProjectsSlice: StateCreator<Store, [], [], ProjectsSlice> = (set) => ({
  recent: [],
  setRecent: (recent) => set({ recent }),
});

export const useStore = create<Store>()((...a) => ({
  ...createConnectionSlice(...a),
  ...createProjectsSlice(...a),
}));
