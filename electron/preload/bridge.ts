import { requestNames, type WireEvent, type WireResponse } from "../common/api";
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL, type DraftlineBridge } from "../common/api/bridge";

/** The part of ipcRenderer the bridge uses; the page never sees it. */
export interface RendererIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, message: WireEvent) => void): unknown;
  off(channel: string, listener: (event: unknown, message: WireEvent) => void): unknown;
}

/**
 * The object the preload exposes as `window.draftline`: one named function per request of the
 * contract (derived from it, no hand-kept list) and an event subscription. Each function sends only
 * its own method name, so the page cannot reach any other channel.
 */
export function createBridge(ipc: RendererIpc): DraftlineBridge {
  const api = Object.fromEntries(
    requestNames.map((name) => [name, (params: unknown) => ipc.invoke(IPC_REQUEST_CHANNEL, name, params) as Promise<WireResponse>]),
  ) as DraftlineBridge["api"];
  return {
    api,
    onEvent(listener) {
      const receive = (_event: unknown, message: WireEvent) => listener(message);
      ipc.on(IPC_EVENT_CHANNEL, receive);
      return () => void ipc.off(IPC_EVENT_CHANNEL, receive);
    },
  };
}
