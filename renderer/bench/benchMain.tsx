// The app against the in-memory fake back end, for the renderer benchmark (bench/renderer.bench.ts)
// and for looking at the interface without a model. Not part of the app's build: the benchmark
// builds this page on its own. Query: ?tps=200 (tokens per second), ?stepWords=400,
// ?project=WORDS (a finished project of that many words on the fake disk at /bench/WORDS.draftline).
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { InMemoryBackend } from "../src/testing/inMemoryBackend";
import { writtenManuscript } from "../../electron/common/testing/fakeWriter";
import { App } from "../src/App";
import { applyPreferences, installShortcuts, startApp } from "../src/boot";
import { useStore } from "../src/store/store";
import "../src/styles.css";
import { installBenchInstruments } from "./instrument";

declare global {
  interface Window {
    draftlineBench?: { fake: InMemoryBackend; store: typeof useStore; ready: Promise<void> };
  }
}

installBenchInstruments(useStore);
const query = new URLSearchParams(location.search);
const fake = new InMemoryBackend({ tokensPerSecond: Number(query.get("tps") ?? 200), validate: false, stepWords: Number(query.get("stepWords") ?? 400), modelReady: query.get("model") !== "none" });
const projectWords = Number(query.get("project") ?? 0);
if (projectWords > 0) fake.addFile(`/bench/${projectWords}.draftline`, writtenManuscript(projectWords));

applyPreferences(useStore);
installShortcuts(useStore);
const root = document.getElementById("root");
if (root) createRoot(root).render(<StrictMode><App /></StrictMode>);
const ready = startApp(fake.client, fake.documents, useStore).then(() => fake.autoRun());
window.draftlineBench = { fake, store: useStore, ready };
