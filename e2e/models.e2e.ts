// The model manager end to end, as a writer uses it in web mode: a catalog model downloads from a
// loopback stand-in for Hugging Face (DRAFTLINE_HF_ENDPOINT) with a progress bar, is cancelled and
// resumed from the bytes kept, is checked for fit and loaded through node-llama-cpp; then a remote
// OpenAI-compatible server (a loopback stand-in for llama-server) becomes the model source, and a
// wrong address or a wrong model name is answered with a message that says what went wrong.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { closeDialog, collectPageErrors, openDialog, openWindow, shoot } from "./helpers";
import { serveApp, type ServedApp } from "./serve";
const root = path.resolve(import.meta.dirname, "..");
const MODEL_URL_PATH = "/draftline-test/tiny-GGUF/resolve/main/tiny-writer.gguf";
const CHUNK = 16 * 1024;

/** The loopback Hugging Face: serves the tiny GGUF with ranges; the first request stops after a few chunks and holds the connection open. */
interface FakeHub {
  server: Server;
  url: string;
  /** The Range header of every GET, in order ("" when none). */
  ranges: string[];
  /** Bytes sent before the first response holds. */
  holdAfter: number;
}

async function startHub(body: Buffer): Promise<FakeHub> {
  const hub: FakeHub = { server: undefined as unknown as Server, url: "", ranges: [], holdAfter: 6 * CHUNK };
  hub.server = createServer((req, res) => {
    if (req.url !== MODEL_URL_PATH) {
      res.writeHead(404).end("not found");
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    const start = range ? Number(range[1]) : 0;
    if (req.method === "GET") hub.ranges.push(req.headers.range ?? "");
    const first = hub.ranges.length === 1;
    res.writeHead(range ? 206 : 200, {
      "content-type": "application/octet-stream",
      "content-length": String(body.length - start),
      "accept-ranges": "bytes",
      etag: '"tiny-1"',
      ...(range ? { "content-range": `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    // Chunks a little apart, so that the progress bar has something to show.
    let offset = start;
    const send = () => {
      if (res.destroyed) return;
      if (first && offset - start >= hub.holdAfter) return; // holds until the client lets go
      if (offset >= body.length) {
        res.end();
        return;
      }
      res.write(body.subarray(offset, offset + CHUNK));
      offset += CHUNK;
      setTimeout(send, 40);
    };
    send();
  });
  await new Promise<void>((resolve) => hub.server.listen(0, "127.0.0.1", resolve));
  hub.url = `http://127.0.0.1:${(hub.server.address() as AddressInfo).port}`;
  return hub;
}

/** The loopback llama-server: the model list and props a connection reads, and the key it was sent. */
interface FakeServer {
  server: Server;
  baseUrl: string;
  authorization: string[];
}

async function startLlamaServer(): Promise<FakeServer> {
  const fake: FakeServer = { server: undefined as unknown as Server, baseUrl: "", authorization: [] };
  const json = (res: ServerResponse, status: number, value: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(value));
  };
  fake.server = createServer((req: IncomingMessage, res) => {
    fake.authorization.push(req.headers.authorization ?? "");
    req.resume();
    if (req.method === "GET" && req.url === "/v1/models") return json(res, 200, { object: "list", data: [{ id: "big-writer-70b", object: "model", meta: { n_ctx_train: 131072 } }] });
    if (req.method === "GET" && req.url === "/props") return json(res, 200, { default_generation_settings: { n_ctx: 32768 }, chat_template: "chatml" });
    return json(res, 404, { error: { code: 404, message: "File Not Found", type: "not_found_error" } });
  });
  await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
  fake.baseUrl = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}/v1`;
  return fake;
}

const close = (server: Server | undefined) =>
  new Promise<void>((resolve) => {
    if (!server) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });

let work: string;
let modelBytes: Buffer;
let hub: FakeHub;
let llama: FakeServer;
let app: ServedApp;

test.beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "draftline-e2e-models-"));
  const source = path.join(work, "tiny.gguf");
  const written = spawnSync(process.execPath, [path.join(root, "bin/draftline.js"), "test-model", source], { encoding: "utf8" });
  if (written.status !== 0) throw new Error(`draftline test-model failed:\n${written.stderr}`);
  modelBytes = await readFile(source);
  hub = await startHub(modelBytes);
  llama = await startLlamaServer();
  const catalog = {
    version: 1,
    models: [
      {
        id: "tiny-writer",
        name: "Tiny Writer",
        description: "The test model, downloaded from a loopback hub.",
        file: "tiny-writer.gguf",
        source: { kind: "huggingface", uri: "hf:draftline-test/tiny-GGUF/tiny-writer.gguf", verified: true, sha256: createHash("sha256").update(modelBytes).digest("hex") },
        sizeBytes: modelBytes.length,
        quantization: "F32",
        license: "MIT",
        profile: "prompted",
        promptFormat: { kind: "chat-template", name: "ChatML" },
        recommended: { contextSize: 2048, sampling: {} },
      },
    ],
  };
  await writeFile(path.join(work, "catalog.json"), JSON.stringify(catalog, null, 2));
  await mkdir(path.join(work, "models"));
  app = await serveApp({ DRAFTLINE_CATALOG: path.join(work, "catalog.json"), DRAFTLINE_HF_ENDPOINT: hub.url, DRAFTLINE_MODELS_DIR: path.join(work, "models") });
});

test.afterAll(async () => {
  await app?.stop();
  await close(hub?.server);
  await close(llama?.server);
  if (work) await rm(work, { recursive: true, force: true });
});

test("the model manager downloads a catalog model with progress, cancel and resume, loads it, and connects to a remote server", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const errors = collectPageErrors(page);

  await openWindow(page, app);
  const models = await openDialog(page, "Models", { button: "Load a model" });
  const item = models.locator(".model-item", { hasText: "Tiny Writer" });
  await expect(item).toContainText("not downloaded");
  await expect(item).toContainText("497 KB");

  // Download: the bar moves, then the hub holds the connection, and the writer cancels.
  await item.getByRole("button", { name: "Download" }).click();
  const bar = item.getByRole("progressbar", { name: "Download of Tiny Writer" });
  await expect(bar).toBeVisible();
  await expect(bar).toHaveAttribute("value", String(hub.holdAfter), { timeout: 30_000 });
  await expect(item).toContainText(/98 KB of 497 KB · .*\/s/);
  await expect(item.locator(".chip")).toHaveText("downloading");
  await shoot(page, testInfo, "models-01-downloading", { fullPage: true });
  await item.getByRole("button", { name: "Cancel" }).click();
  await expect(item).toContainText("partly downloaded");
  const resume = item.getByRole("button", { name: "Resume download" });
  await expect(resume).toBeVisible();
  await expect(item).toContainText("98 KB of 497 KB kept: resume to download the rest");
  await shoot(page, testInfo, "models-02-cancelled", { fullPage: true });

  // Resume asks the hub for the rest only, and the file checks out against the catalog's sha256.
  await resume.click();
  await expect(item).toContainText("ready", { timeout: 60_000 });
  expect(hub.ranges).toEqual(["", `bytes=${hub.holdAfter}-`]);
  expect((await readFile(path.join(work, "models", "tiny-writer.gguf"))).equals(modelBytes)).toBe(true);

  // The fit on this machine, then loading through node-llama-cpp.
  await item.getByRole("button", { name: "Check fit" }).click();
  await expect(item.locator(".fit")).toContainText(/compatibility \d+% · fits: 0 of \d+ layers on the GPU/);
  await item.getByRole("button", { name: "Load", exact: true }).click();
  // The name is the one inside the GGUF; the context the catalog recommends (as much of it as fits), and what that holds.
  await expect(models.locator(".loaded-model")).toContainText("Draftline tiny test model · CPU, 1 thread · 2048 ctx", { timeout: 60_000 });
  await expect(models.locator(".context-seen")).toContainText("Sees 2,048 tokens at once: about 1,500 English words or 2,000 Chinese characters");
  await expect(models.locator(".context-seen")).toContainText("the context the catalog recommends for Tiny");
  // How it is driven and why; the writer may drive it in another profile.
  await expect(models.locator(".profile-reason")).toHaveText("Tiny Writer from the catalog");
  await models.getByLabel("Driven as").selectOption("agentwrite");
  await expect(models.locator(".profile-reason")).toHaveText("agentwrite: chosen by the writer.");
  // Check this model: a short session in its profile, and the report.
  await models.getByRole("button", { name: "Check this model" }).click();
  const report = models.getByLabel("Report of the model check");
  await expect(report).toContainText("Model         Draftline tiny test model, in the agentwrite mode", { timeout: 60_000 });
  await expect(report).toContainText("Outcome       finished: ");
  await expect(report).toContainText("Plan          read: yes");
  await expect(report).toContainText("Requests      (why each stopped: tokens read → written, seconds)");
  await shoot(page, testInfo, "models-03-loaded", { fullPage: true });

  // A remote server. A malformed address is caught in the form, an address nobody answers at and a
  // model the server does not have are refused with the reason, and the loaded model stays loaded.
  const remote = models.getByRole("region", { name: "Remote server" });
  await remote.getByLabel("Base URL").fill("llama-server on my desktop");
  await remote.getByRole("button", { name: "Connect" }).click();
  await expect(remote.getByText("Enter an address such as http://127.0.0.1:8080/v1.")).toBeVisible();

  const closed = await startLlamaServer();
  const closedUrl = closed.baseUrl;
  await close(closed.server);
  await remote.getByLabel("Base URL").fill(closedUrl);
  await remote.getByRole("button", { name: "Connect" }).click();
  await expect(models.getByRole("alert")).toHaveText(`The model could not be loaded: Cannot reach the inference server at ${new URL(closedUrl).origin}: connection refused (is the server running?).`);
  await expect(models.locator(".loaded-model")).toContainText("Draftline tiny test model");

  await remote.getByLabel("Base URL").fill(llama.baseUrl);
  await remote.getByLabel("Model name (optional)").fill("small-writer");
  await remote.getByRole("button", { name: "Connect" }).click();
  await expect(models.getByRole("alert")).toContainText("The server has no model 'small-writer' (it has: big-writer-70b).");

  await remote.getByLabel("API key (optional)").fill("sk-writer-key");
  await remote.getByLabel("Model name (optional)").fill("");
  await remote.getByRole("button", { name: "Connect" }).click();
  const port = new URL(llama.baseUrl).port;
  await expect(models.locator(".loaded-model")).toContainText("big-writer-70b");
  await expect(models.locator(".loaded-model")).toContainText(`server at 127.0.0.1:${port} · 32768 ctx`);
  await expect(models.getByRole("alert")).toHaveCount(0);
  expect(llama.authorization).toContain("Bearer sk-writer-key");
  // A model the catalog does not know is probed for the IS-CoT tags; this server cannot generate, so prompted.
  await expect(models.getByLabel("Driven as")).toHaveValue("prompted");
  await expect(models.locator(".profile-reason")).toContainText("big-writer-70b is not in the catalog: the check of the IS-CoT tags could not run");
  await models.locator(".loaded-model").scrollIntoViewIfNeeded();
  await shoot(page, testInfo, "models-04-remote", { fullPage: true });

  await closeDialog(models);
  await expect(page.getByRole("contentinfo")).toContainText("big-writer-70b");
  expect(errors).toEqual([]);
});
