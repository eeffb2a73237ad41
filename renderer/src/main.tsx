import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { connect } from "./api/connect";
import { createDocumentApi } from "./api/documents";
import { App } from "./App";
import { useStore } from "./store/store";
import "./styles.css";

async function start(): Promise<void> {
  try {
    const api = await connect();
    const info = await api.call("app.info", {});
    useStore.getState().setConnected(api, createDocumentApi(api), info);
    useStore.getState().setRecent(await api.call("projects.list", {}));
  } catch (error) {
    useStore.getState().setConnectionFailed(error instanceof Error ? error.message : String(error));
  }
}

const root = document.getElementById("root");
if (root) createRoot(root).render(<StrictMode><App /></StrictMode>);
void start();
