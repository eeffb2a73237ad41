import { contextBridge, ipcRenderer } from "electron";
import { requestNames, type WireEvent, type WireResponse } from "../common/api";
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL, type DraftlineBridge } from "../common/api/bridge";

// One named function per request of the contract; the renderer never sees ipcRenderer.
const api = Object.fromEntries(
  requestNames.map((name) => [name, (params: unknown): Promise<WireResponse> => ipcRenderer.invoke(IPC_REQUEST_CHANNEL, name, params)]),
) as DraftlineBridge["api"];

const bridge: DraftlineBridge = {
  api,
  onEvent(listener) {
    const receive = (_event: unknown, message: WireEvent) => listener(message);
    ipcRenderer.on(IPC_EVENT_CHANNEL, receive);
    return () => ipcRenderer.off(IPC_EVENT_CHANNEL, receive);
  },
};

contextBridge.exposeInMainWorld("draftline", bridge);
