// The sandboxed preload: exposes the typed bridge to the page as `window.draftline`, never ipcRenderer.
import { contextBridge, ipcRenderer } from "electron";
import { createBridge } from "./bridge";

contextBridge.exposeInMainWorld("draftline", createBridge(ipcRenderer));
