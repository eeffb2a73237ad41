import type { WireEvent, WireResponse } from "./define";
import type { RequestName } from "./index";

/**
 * What the Electron preload exposes on `window.draftline`: one named function per request (derived
 * from the contract, no raw ipcRenderer) and an event subscription.
 */
export interface DraftlineBridge {
  api: { [N in RequestName]: (params: unknown) => Promise<WireResponse> };
  onEvent(listener: (event: WireEvent) => void): () => void;
}

/** The IPC channels between preload and main. */
export const IPC_REQUEST_CHANNEL = "draftline:request";
export const IPC_EVENT_CHANNEL = "draftline:event";
