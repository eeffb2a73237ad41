import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { connect } from "./api/connect";
import { createDocumentApi } from "./api/documents";
import { App } from "./App";
import { applyPreferences, installShortcuts, startApp } from "./boot";
import { useStore } from "./store/store";
import "./styles.css";

async function start(): Promise<void> {
  try {
    const api = await connect();
    await startApp(api, createDocumentApi(api), useStore);
  } catch (error) {
    useStore.getState().setConnectionFailed(error instanceof Error ? error.message : String(error));
  }
}

applyPreferences(useStore);
installShortcuts(useStore);
const root = document.getElementById("root");
if (root) createRoot(root).render(<StrictMode><App /></StrictMode>);
void start();
