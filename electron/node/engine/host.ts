// Entry of the engine process (bundled to dist/node/engine-host.js). Started by the app with
// child_process.fork (web mode, CLI, tests) or Electron's utilityProcess.fork (desktop app), so a
// native crash in llama.cpp ends this process only.
import { currentProcessPort, serveEngine } from "./engineHost";

serveEngine(currentProcessPort());
