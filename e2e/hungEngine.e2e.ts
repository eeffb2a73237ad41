// An engine that never answers (a hang in llama.cpp) must not hold `draftline serve` hostage: hostile
// model files are refused without asking the engine, and SIGTERM ends the server while a load hangs.
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { hostileGgufs } from "../electron/node/engine/testing/hostileGguf";
import { writeTestModel } from "../electron/node/engine/testModel";
import { connectApi, serveApp, type ServedApp } from "./serve";

/** An engine host that says it is ready, notes each call in a file, and never answers. */
const HANGING_HOST = `
import { appendFileSync } from "node:fs";
process.on("message", (message) => appendFileSync(process.env.HUNG_ENGINE_CALLS, JSON.stringify(message) + "\\n"));
process.on("disconnect", () => process.exit(0));
process.send({ type: "ready", pid: process.pid });
`;

let dir: string;
let app: ServedApp | undefined;
test.beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-hung-engine-"));
});
test.afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

test("hostile model files are refused at once, and SIGTERM ends the server while the engine hangs on a load", async () => {
  const host = path.join(dir, "hanging-engine-host.mjs");
  const calls = path.join(dir, "engine-calls.jsonl");
  await writeFile(host, HANGING_HOST);
  const good = path.join(dir, "tiny.gguf");
  await writeTestModel(good);
  app = await serveApp({ DRAFTLINE_ENGINE_HOST: host, HUNG_ENGINE_CALLS: calls });
  const api = await connectApi(app);

  // Refused by the bounded reader in the server's process: the hanging engine is never asked.
  for (const hostile of hostileGgufs().slice(0, 8)) {
    const file = path.join(dir, hostile.name);
    await writeFile(file, hostile.bytes);
    const inspected = await api.call("models.inspect", { path: file });
    expect(inspected).toMatchObject({ ok: true, result: { ok: false, problem: expect.stringMatching(hostile.refusal) } });
    const loaded = await api.call("models.load", { source: { kind: "file", path: file } });
    expect(loaded.ok).toBe(false);
    expect(loaded.error?.message).toMatch(hostile.refusal);
  }
  expect(existsSync(calls)).toBe(false);

  // A good file reaches the engine, which never answers; SIGTERM must still end the server.
  void api.call("models.load", { source: { kind: "file", path: good } });
  await expect.poll(() => existsSync(calls)).toBe(true);
  const served = app;
  app = undefined;
  expect(await served.stop()).toBe(0);
});
