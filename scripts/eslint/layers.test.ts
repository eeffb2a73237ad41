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
      'import path from "node:path";\nimport { x } from "../../node/base/paths";\nimport React from "react";\nimport { z } from "zod";\nexport const y = [path, x, React, z];\n',
    );
    expect(messages).toHaveLength(3);
  });

  it("keeps electron out of the plain Node layer and main out of the renderer's reach", async () => {
    expect(await lint("electron/node/app/bad.ts", 'import { app } from "electron";\nexport const y = app;\n')).toHaveLength(1);
    expect(await lint("electron/main/ok.ts", 'import { app } from "electron";\nimport { createBackend } from "../node/app/backend";\nexport const y = [app, createBackend];\n')).toEqual([]);
    expect(await lint("electron/node/bad2.ts", 'const m = await import("../main/main");\nexport const y = m;\n')).toHaveLength(1);
  });

  it("holds electron/node to its floors: an import up or sideways fails, one down passes", async () => {
    const importing = (spec: string) => `import * as m from "${spec}";\nexport const y = m;\n`;
    expect(await lint("electron/node/engine/bad.ts", importing("../models/catalog"))).toEqual([expect.stringContaining("electron/node/engine may not import from electron/node/models")]);
    expect(await lint("electron/node/models/bad.ts", importing("../generation/service"))).toEqual([expect.stringContaining("electron/node/models may not import from electron/node/generation")]);
    expect(await lint("electron/node/generation/bad.ts", importing("../projects/service"))).toHaveLength(1);
    expect(await lint("electron/node/projects/bad.ts", importing("../app/backend"))).toHaveLength(1);
    expect(await lint("electron/node/export/bad.ts", importing("../projects/service"))).toHaveLength(1);
    // Beside: parts on one floor do not import each other.
    expect(await lint("electron/node/export/bad.ts", importing("../generation/writer"))).toHaveLength(1);
    expect(await lint("electron/node/eval/bad.test.ts", importing("../projects/testing/crashChild"))).toHaveLength(1);
    // Down, and within a part.
    expect(await lint("electron/node/app/ok.ts", importing("../projects/service"))).toEqual([]);
    expect(await lint("electron/node/generation/ok.ts", importing("../engine/backend"))).toEqual([]);
    expect(await lint("electron/node/cli/ok.ts", importing("../app/backend"))).toEqual([]);
    expect(await lint("electron/node/projects/ok.ts", importing("../base/atomicWrite"))).toEqual([]);
    expect(await lint("electron/node/models/ok.ts", importing("./probe"))).toEqual([]);
  });

  it("asks a new part of electron/node for its floor", async () => {
    expect(await lint("electron/node/newpart/bad.ts", 'import { x } from "../engine/backend";\nexport const y = x;\n')).toEqual([expect.stringContaining("electron/node/newpart has no floor")]);
  });
});
