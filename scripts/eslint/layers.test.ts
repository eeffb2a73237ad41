import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const eslint = new ESLint({ cwd: root });

async function lint(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === "draftline/layers").map((m) => m.message);
}

describe("the layer rule", () => {
  it("fails a renderer file that imports from electron/node", async () => {
    const messages = await lint("renderer/src/bad.ts", 'import { startWebServer } from "../../electron/node/server/webServer";\nexport const x = startWebServer;\n');
    expect(messages).toEqual([expect.stringContaining("renderer may not import from electron/node")]);
  });

  it("fails a renderer file that imports Node built-ins, electron or node-llama-cpp", async () => {
    const messages = await lint("renderer/src/bad.ts", 'import fs from "node:fs";\nimport { ipcRenderer } from "electron";\nimport { getLlama } from "node-llama-cpp";\nexport const x = [fs, ipcRenderer, getLlama];\n');
    expect(messages).toHaveLength(3);
  });

  it("lets the renderer import electron/common and browser packages", async () => {
    expect(await lint("renderer/src/ok.ts", 'import { requests } from "../../electron/common/api";\nimport { create } from "zustand";\nexport const x = [requests, create];\n')).toEqual([]);
  });

  it("keeps electron/common pure: no Node, no other layer, no packages but zod", async () => {
    const messages = await lint(
      "electron/common/iscot/bad.ts",
      'import path from "node:path";\nimport { x } from "../../node/app/paths";\nimport React from "react";\nimport { z } from "zod";\nexport const y = [path, x, React, z];\n',
    );
    expect(messages).toHaveLength(3);
  });

  it("keeps electron out of the plain Node layer and main out of the renderer's reach", async () => {
    expect(await lint("electron/node/app/bad.ts", 'import { app } from "electron";\nexport const y = app;\n')).toHaveLength(1);
    expect(await lint("electron/main/ok.ts", 'import { app } from "electron";\nimport { createBackend } from "../node/app/backend";\nexport const y = [app, createBackend];\n')).toEqual([]);
    expect(await lint("electron/node/bad2.ts", 'const m = await import("../main/main");\nexport const y = m;\n')).toHaveLength(1);
  });
});
